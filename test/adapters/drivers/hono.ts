import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { csrf, enforceHttps, jsonOnly, type SessionEnv, sessions } from '../../../src/adapters/hono.js';
import {
  SCENARIO_HTTPS_HOST,
  type ScenarioData,
  type ScenarioDriver,
  type ScenarioRoute,
} from '../../../src/testing/index.js';
import { fromFetchResponse, realServerClient } from './clients.js';

function buildApp(manager: Parameters<ScenarioDriver['start']>[0], routes: readonly ScenarioRoute[]) {
  const app = new Hono<SessionEnv<ScenarioData>>();
  app.use(sessions(manager));
  const protect = csrf(manager);
  const guards = { jsonOnly: jsonOnly(), enforceHttps: enforceHttps({ host: SCENARIO_HTTPS_HOST }) };
  for (const route of routes) {
    const handler = async (c: Context<SessionEnv<ScenarioData>>) => {
      const view = { csrfToken: () => c.get('csrfToken')?.() };
      const reply = await route.handle(c.get('session'), c.req.param() as Record<string, string>, view);
      return c.json(reply.body as object, reply.status as 200);
    };
    const method = route.method === 'GET' ? 'get' : 'post';
    const before = [...(route.guard ? [guards[route.guard]] : []), ...(route.csrf ? [protect] : [])];
    app[method](route.path, ...(before as [typeof protect]), handler);
  }
  return app;
}

/** Hono as a pure Fetch handler: `app.request()` with no server at all. */
export const honoFetchDriver: ScenarioDriver = {
  async start(manager, routes) {
    const app = buildApp(manager, routes);
    return {
      send: async (req) =>
        fromFetchResponse(await app.request(req.path, { method: req.method, headers: req.headers, body: req.body })),
      close: async () => {},
    };
  },
};

/** Hono on `@hono/node-server`, a real listening port. */
export const honoNodeDriver: ScenarioDriver = {
  async start(manager, routes) {
    const app = buildApp(manager, routes);
    return realServerClient(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
};
