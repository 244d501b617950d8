import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';

import type { SessionOps } from './session-ops.js';

/** The four scenario routes on Hono over @hono/node-server, after the session middleware. */
export function honoServer(middleware: MiddlewareHandler[], ops: SessionOps<Context> | null): Server {
  // biome-ignore lint/suspicious/noExplicitAny: each target stores its own session type in the context
  const app = new Hono<any>();
  for (const mw of middleware) app.use(mw);
  let counter = 0;
  app.get('/read', (c) => c.text(String(ops?.read(c) ?? 0)));
  app.get('/write', (c) => {
    ops?.write(c, ++counter);
    return c.text('ok');
  });
  app.get('/new', (c) => {
    ops?.write(c, 1);
    return c.text('ok');
  });
  app.get('/login', async (c) => {
    await ops?.login(c);
    return c.text('ok');
  });
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}
