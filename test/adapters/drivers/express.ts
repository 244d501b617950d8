import http from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { csrf, enforceHttps, jsonOnly, sessionErrors, sessions } from '../../../src/adapters/express.js';
import { SCENARIO_HTTPS_HOST, type ScenarioDriver, type ScenarioSession } from '../../../src/testing/index.js';
import { supertestClient } from './clients.js';

/** Express 4 and 5: the same idioms, so one driver built from either package's factory. */
export function expressDriver(createApp: () => Express): ScenarioDriver {
  return {
    async start(manager, routes) {
      const app = createApp();
      app.use(sessions(manager));
      const protect = csrf(manager);
      const guards = { jsonOnly: jsonOnly(), enforceHttps: enforceHttps({ host: SCENARIO_HTTPS_HOST }) };
      for (const route of routes) {
        const handler = (req: Request, res: Response, next: NextFunction) => {
          // Express 4 does not forward rejected promises, so pass errors on explicitly.
          // A template gets a copy of res.locals (Express 5 renders with `{ ...res.locals }`).
          const view = { csrfToken: () => ({ ...res.locals }).csrfToken as string | undefined };
          route
            .handle(req.session as unknown as ScenarioSession, req.params as Record<string, string>, view)
            .then((reply) => res.status(reply.status).json(reply.body), next);
        };
        const mount = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app);
        const before = [...(route.guard ? [guards[route.guard]] : []), ...(route.csrf ? [protect] : [])];
        mount(route.path, ...before, handler);
      }
      app.use(sessionErrors());
      return supertestClient(http.createServer(app));
    },
  };
}
