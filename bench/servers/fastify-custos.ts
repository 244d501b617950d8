import type { FastifyInstance, FastifyRequest } from 'fastify';
import { optionalModule, serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { fastifyApp } from './fastify-app.js';

type CustosSession = { get(k: string): unknown; set(k: string, v: unknown): void; login(u: string): Promise<void> };
const session = (req: FastifyRequest) => (req as unknown as { session: CustosSession }).session;

await serve(async () => {
  const { sessions } = await optionalModule<{ sessions: (app: FastifyInstance, opts: object) => Promise<void> }>(
    'src/adapters/fastify',
  );
  const app = await fastifyApp(
    async (fastify) => {
      await fastify.register(sessions as never, { manager: benchManager() } as never);
    },
    {
      read: (req) => session(req).get('n'),
      write: (req, value) => session(req).set('n', value),
      login: (req) => session(req).login('user-42'),
    },
  );
  return { server: app.server, close: () => app.close() };
});
