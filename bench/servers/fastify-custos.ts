import type { FastifyInstance, FastifyRequest } from 'fastify';
import { optionalModule, serve } from './common.js';
import { benchManager } from './custos-manager.js';
import { fastifyApp } from './fastify-app.js';

type CustosSession = { get(k: string): unknown; set(k: string, v: unknown): void; login(u: string): Promise<void> };
const session = (req: FastifyRequest) => (req as unknown as { session: CustosSession }).session;

await serve(async () => {
  // Written by another engineer; the plugin's export name is probed so either spelling works.
  const adapter = await optionalModule<Record<string, unknown>>('src/adapters/fastify');
  const plugin = (adapter.custosFastify ?? adapter.sessions ?? adapter.fastifySessions ?? adapter.default) as
    | ((app: FastifyInstance, opts: object) => Promise<void>)
    | undefined;
  if (typeof plugin !== 'function') throw new Error('src/adapters/fastify.ts exports no plugin this bench knows');
  const app = await fastifyApp(
    async (fastify) => {
      await fastify.register(plugin as never, { manager: benchManager(), sessions: benchManager() } as never);
    },
    {
      read: (req) => session(req).get('n'),
      write: (req, value) => session(req).set('n', value),
      login: (req) => session(req).login('user-42'),
    },
  );
  return { server: app.server, close: () => app.close() };
});
