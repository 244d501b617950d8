import { createServer } from 'node:http';
import Koa, { type Context, type Middleware } from 'koa';

import type { SessionOps } from './session-ops.js';

/** The four scenario routes on Koa (one router-free middleware), after the session middleware. */
export function koaServer(setup: (app: Koa) => Middleware[], ops: SessionOps<Context> | null) {
  const app = new Koa();
  for (const mw of setup(app)) app.use(mw);
  let counter = 0;
  app.use(async (ctx) => {
    switch (ctx.path) {
      case '/read':
        ctx.body = String(ops?.read(ctx) ?? 0);
        return;
      case '/write':
        ops?.write(ctx, ++counter);
        break;
      case '/new':
        ops?.write(ctx, 1);
        break;
      case '/login':
        await ops?.login(ctx);
        break;
      default:
        ctx.status = 404;
        return;
    }
    ctx.body = 'ok';
  });
  return createServer(app.callback());
}
