import type { Context } from 'hono';
import { sessions } from '../../src/adapters/hono.js';
import { serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { honoServer } from './hono-app.js';
import { custosOps } from './session-ops.js';

await serve(async () => ({
  server: honoServer(
    [sessions(benchManager()) as never],
    custosOps((c: Context) => c.get('session')),
  ),
}));
