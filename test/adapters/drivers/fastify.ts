import Fastify from 'fastify';
import { csrf, enforceHttps, jsonOnly, sessions } from '../../../src/adapters/fastify.js';
import { SCENARIO_HTTPS_HOST, type ScenarioDriver, type ScenarioSession } from '../../../src/testing/index.js';
import { injectInto } from './clients.js';

/** Fastify 5 driven with `fastify.inject()` (no socket). */
export const fastifyDriver: ScenarioDriver = {
  async start(manager, routes) {
    const app = Fastify();
    await app.register(sessions, { manager });
    const guards = { jsonOnly: jsonOnly(), enforceHttps: enforceHttps({ host: SCENARIO_HTTPS_HOST }) };
    for (const route of routes) {
      app.route({
        method: route.method,
        url: route.path,
        onRequest: route.guard ? guards[route.guard] : undefined,
        preHandler: route.csrf ? csrf(manager) : undefined,
        handler: async (request, reply) => {
          // @fastify/view hands templates a copy of reply.locals merged with the page's data.
          const locals = () => ({ ...(reply as unknown as { locals?: Record<string, unknown> }).locals });
          const result = await route.handle(
            request.session as unknown as ScenarioSession,
            request.params as Record<string, string>,
            { csrfToken: () => locals().csrfToken as string | undefined },
          );
          return reply.code(result.status).send(result.body);
        },
      });
    }
    await app.ready();
    return { send: injectInto(app), close: () => app.close() };
  },
};
