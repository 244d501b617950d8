import type { FastifyInstance, FastifyRequest } from 'fastify';
import { optionalModule, serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { fastifyApp } from './fastify-app.js';
import { custosOps } from './session-ops.js';

await serve(async () => {
  const { sessions } = await optionalModule<{ sessions: (app: FastifyInstance, opts: object) => Promise<void> }>(
    'src/adapters/fastify',
  );
  const app = await fastifyApp(
    async (fastify) => {
      await fastify.register(sessions as never, { manager: benchManager() } as never);
    },
    custosOps((req: FastifyRequest) => (req as { session?: unknown }).session),
  );
  return { server: app.server, close: () => app.close() };
});
