import http from 'node:http';
import Koa from 'koa';
import { csrf, sessions } from '../../../src/adapters/koa.js';
import { matchScenarioRoute, type ScenarioDriver, type ScenarioSession } from '../../../src/testing/index.js';
import { supertestClient } from './clients.js';

/** Koa 3 through supertest on `app.callback()`; routing by hand (Koa has no router of its own). */
export const koaDriver: ScenarioDriver = {
  async start(manager, routes) {
    const app = new Koa();
    app.silent = true;
    app.use(sessions(manager));
    const protect = csrf(manager);
    app.use(async (ctx, next) => {
      const match = matchScenarioRoute(routes, ctx.method, ctx.url);
      if (!match) return next();
      const run = async () => {
        const reply = await match.route.handle(ctx.session as unknown as ScenarioSession, match.params);
        ctx.status = reply.status;
        ctx.body = reply.body;
      };
      if (match.route.csrf) await protect(ctx, run);
      else await run();
    });
    return supertestClient(http.createServer(app.callback()));
  },
};
