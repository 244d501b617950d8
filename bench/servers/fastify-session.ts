import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { FastifyRequest } from 'fastify';
import { BENCH_SECRET, serve } from './common.js';
import { fastifyApp } from './fastify-app.js';
import { nextUserId } from './session-ops.js';

type Bag = { get(k: string): unknown; set(k: string, v: unknown): void; regenerate(): Promise<void> };
const bag = (req: FastifyRequest) => (req as unknown as { session: Bag }).session;

await serve(async () => {
  const app = await fastifyApp(
    async (fastify) => {
      await fastify.register(fastifyCookie);
      // Default in-memory store; same choices as express-session: no resave, no empty sessions.
      await fastify.register(fastifySession, {
        secret: BENCH_SECRET,
        saveUninitialized: false,
        cookie: { secure: false },
      });
    },
    {
      read: (req) => bag(req).get('n'),
      write: (req, value) => bag(req).set('n', value),
      login: async (req) => {
        await bag(req).regenerate();
        bag(req).set('userId', nextUserId());
      },
    },
  );
  return { server: app.server, close: () => app.close() };
});
