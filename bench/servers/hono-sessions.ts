import type { Context } from 'hono';
import { MemoryStore, sessionMiddleware } from 'hono-sessions';
import { BENCH_SECRET, serve } from './common.js';
import { honoServer } from './hono-app.js';
import { nextUserId } from './session-ops.js';

type HonoSession = { get(k: string): unknown; set(k: string, v: unknown): void };
const session = (c: Context) => c.get('session') as HonoSession;

/** hono-sessions with its server-side MemoryStore (the cookie carries an encrypted id). */
await serve(async () => ({
  server: honoServer(
    [
      sessionMiddleware({
        store: new MemoryStore(),
        encryptionKey: BENCH_SECRET,
        expireAfterSeconds: 900,
        cookieOptions: { sameSite: 'Lax', path: '/', httpOnly: true },
      }) as never,
    ],
    {
      read: (c) => session(c).get('n'),
      write: (c, value) => session(c).set('n', value),
      login: async (c) => {
        // hono-sessions rotates the session key when this context flag is set.
        c.set('session_key_rotation', true);
        session(c).set('userId', nextUserId());
      },
    },
  ),
}));
