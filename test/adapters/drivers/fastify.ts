import Fastify from 'fastify';
import { csrf, sessions } from '../../../src/adapters/fastify.js';
import type { ScenarioDriver, ScenarioSession } from '../../../src/testing/index.js';
import { injectInto } from './clients.js';

/** Fastify 5 driven with `fastify.inject()` (no socket). */
export const fastifyDriver: ScenarioDriver = {
  async start(manager, routes) {
    const app = Fastify();
    await app.register(sessions, { manager });
    for (const route of routes) {
      app.route({
        method: route.method,
        url: route.path,
        preHandler: route.csrf ? csrf(manager) : undefined,
        handler: async (request, reply) => {
          const result = await route.handle(
            request.session as unknown as ScenarioSession,
            request.params as Record<string, string>,
          );
          return reply.code(result.status).send(result.body);
        },
      });
    }
    await app.ready();
    return { send: injectInto(app), close: () => app.close() };
  },
};
