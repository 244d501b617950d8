import type { Context } from 'koa';
import createSession from 'koa-session';
import { BENCH_SECRET, serve } from './common.js';
import { koaServer } from './koa-app.js';
import { nextUserId } from './session-ops.js';

type KoaSession = { [key: string]: unknown; regenerate(): Promise<void> | undefined };
const session = (ctx: Context) => (ctx as unknown as { session: KoaSession }).session;

/**
 * koa-session with an external in-process store, so the cookie carries an id as with custos and
 * express-session (koa-session's default keeps the whole session in a signed cookie instead).
 */
function memoryStore() {
  const records = new Map<string, unknown>();
  return {
    get: async (key: string) => records.get(key),
    set: async (key: string, value: unknown) => {
      records.set(key, value);
    },
    destroy: async (key: string) => {
      records.delete(key);
    },
  };
}

await serve(async () => ({
  server: koaServer(
    (app) => {
      app.keys = [BENCH_SECRET];
      return [createSession({ store: memoryStore(), rolling: false, renew: false }, app)];
    },
    {
      read: (ctx) => session(ctx).n,
      write: (ctx, value) => {
        session(ctx).n = value;
      },
      login: async (ctx) => {
        await session(ctx).regenerate();
        session(ctx).userId = nextUserId();
      },
    },
  ),
}));
