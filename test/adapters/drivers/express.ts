import http from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { csrf, sessionErrors, sessions } from '../../../src/adapters/express.js';
import type { ScenarioDriver, ScenarioSession } from '../../../src/testing/index.js';
import { supertestClient } from './clients.js';

/** Express 4 and 5: the same idioms, so one driver built from either package's factory. */
export function expressDriver(createApp: () => Express): ScenarioDriver {
  return {
    async start(manager, routes) {
      const app = createApp();
      app.use(sessions(manager));
      const protect = csrf(manager);
      for (const route of routes) {
        const handler = (req: Request, res: Response, next: NextFunction) => {
          // Express 4 does not forward rejected promises, so pass errors on explicitly.
          route
            .handle(req.session as unknown as ScenarioSession, req.params as Record<string, string>)
            .then((reply) => res.status(reply.status).json(reply.body), next);
        };
        const mount = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app);
        if (route.csrf) mount(route.path, protect, handler);
        else mount(route.path, handler);
      }
      app.use(sessionErrors());
      return supertestClient(http.createServer(app));
    },
  };
}
