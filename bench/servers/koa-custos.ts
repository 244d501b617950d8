import type { Context } from 'koa';
import { sessions } from '../../src/adapters/koa.js';
import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { koaServer } from './koa-app.js';

type CustosSession = { get(k: string): unknown; set(k: string, v: unknown): void; login(u: string): Promise<void> };
const session = (ctx: Context) => (ctx as unknown as { session: CustosSession }).session;

await serve(async () => ({
  server: koaServer(() => [sessions(benchManager())], {
    read: (ctx) => session(ctx).get('n'),
    write: (ctx, value) => session(ctx).set('n', value),
    login: (ctx) => session(ctx).login('user-42'),
  }),
}));
