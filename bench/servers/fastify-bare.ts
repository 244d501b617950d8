import { serve } from './common.js';
import { fastifyApp } from './fastify-app.js';

await serve(async () => {
  const app = await fastifyApp(async () => {}, null);
  return { server: app.server, close: () => app.close() };
});
