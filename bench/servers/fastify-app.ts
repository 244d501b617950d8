import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

export interface FastifyOps {
  read(req: FastifyRequest): unknown;
  write(req: FastifyRequest, value: number): void;
  login(req: FastifyRequest): Promise<void>;
}

/** The four scenario routes on Fastify; `register` adds the session plugin(s) first. */
export async function fastifyApp(
  register: (app: FastifyInstance) => Promise<void>,
  ops: FastifyOps | null,
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
