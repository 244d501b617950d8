import http from 'node:http';
import Koa from 'koa';
import { csrf, enforceHttps, jsonOnly, sessions } from '../../../src/adapters/koa.js';
import {
  matchScenarioRoute,
  SCENARIO_HTTPS_HOST,
  type ScenarioDriver,
  type ScenarioSession,
} from '../../../src/testing/index.js';
import { supertestClient } from './clients.js';

/** Koa 3 through supertest on `app.callback()`; routing by hand (Koa has no router of its own). */
export const koaDriver: ScenarioDriver = {
  async start(manager, routes) {
    const app = new Koa();
    app.silent = true;
    app.use(sessions(manager));
    const protect = csrf(manager);
    const guards = { jsonOnly: jsonOnly(), enforceHttps: enforceHttps({ host: SCENARIO_HTTPS_HOST }) };
    app.use(async (ctx, next) => {
      const match = matchScenarioRoute(routes, ctx.method, ctx.url);
      if (!match) return next();
      const run = async () => {
        // koa-views renders with a copy of ctx.state merged with the page's data.
        const view = { csrfToken: () => ({ ...ctx.state }).csrfToken as string | undefined };
        const reply = await match.route.handle(ctx.session as unknown as ScenarioSession, match.params, view);
        ctx.status = reply.status;
        ctx.body = reply.body;
      };
      const guarded = async () => (match.route.csrf ? protect(ctx, run) : run());
      if (match.route.guard) await guards[match.route.guard](ctx, guarded);
      else await guarded();
    });
    return supertestClient(http.createServer(app.callback()));
  },
};
