import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

import type { SessionOps } from './session-ops.js';

/** The four scenario routes on Fastify; `register` adds the session plugin(s) first. */
export async function fastifyApp(
  register: (app: FastifyInstance) => Promise<void>,
  ops: SessionOps<FastifyRequest> | null,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await register(app);
  let counter = 0;
  app.get('/read', async (req) => String(ops?.read(req) ?? 0));
  app.get('/write', async (req) => {
    ops?.write(req, ++counter);
    return 'ok';
  });
  app.get('/new', async (req) => {
    ops?.write(req, 1);
    return 'ok';
  });
  app.get('/login', async (req) => {
    await ops?.login(req);
    return 'ok';
  });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  return app;
}
