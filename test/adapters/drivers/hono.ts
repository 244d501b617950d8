import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { csrf, type SessionEnv, sessions } from '../../../src/adapters/hono.js';
import type { ScenarioData, ScenarioDriver, ScenarioRoute } from '../../../src/testing/index.js';
import { fromFetchResponse, realServerClient } from './clients.js';

function buildApp(manager: Parameters<ScenarioDriver['start']>[0], routes: readonly ScenarioRoute[]) {
  const app = new Hono<SessionEnv<ScenarioData>>();
  app.use(sessions(manager));
  const protect = csrf(manager);
  for (const route of routes) {
    const handler = async (c: Context<SessionEnv<ScenarioData>>) => {
      const reply = await route.handle(c.get('session'), c.req.param() as Record<string, string>);
      return c.json(reply.body as object, reply.status as 200);
    };
    const method = route.method === 'GET' ? 'get' : 'post';
    if (route.csrf) app[method](route.path, protect, handler);
    else app[method](route.path, handler);
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
