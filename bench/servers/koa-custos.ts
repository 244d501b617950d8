import type { Context } from 'koa';
import { sessions } from '../../src/adapters/koa.js';
import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { koaServer } from './koa-app.js';
import { custosOps } from './session-ops.js';

await serve(async () => ({
  server: koaServer(
    () => [sessions(benchManager())],
    custosOps((ctx: Context) => (ctx as { session?: unknown }).session),
  ),
}));
