import http from 'node:http';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import { fromFetchResponse, fromNodeHeaders, injectInto } from './drivers/clients.js';

const HTTPS = { host: 'bank.example', trustedProxies: ['loopback'] as const };
type Send = (req: { method: string; path: string; headers?: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: Record<string, string>;
}>;

/** Each framework mounts the same two guards: enforceHttps everywhere, jsonOnly on /api. */
const apps: Record<string, () => Promise<Send>> = {
  fastify: async () => {
    const app = Fastify();
    app.addHook('onRequest', fastifyAdapter.enforceHttps({ ...HTTPS, trustedProxies: ['loopback'] }));
    app.register(async (api) => {
      api.addHook('onRequest', fastifyAdapter.jsonOnly());
      api.post('/api/do', async () => 'ok');
    });
    app.get('/', async () => 'ok');
    await app.ready();
    return injectInto(app);
  },
  koa: async () => {
    const app = new Koa();
    app.use(koaAdapter.enforceHttps({ ...HTTPS, trustedProxies: ['loopback'] }));
    app.use(async (ctx, next) => (ctx.path.startsWith('/api') ? koaAdapter.jsonOnly()(ctx, next) : next()));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const server = http.createServer(app.callback());
    return async (req) => {
      let test = request(server)[req.method.toLowerCase() as 'get' | 'post'](req.path);
      for (const [name, value] of Object.entries(req.headers ?? {})) test = test.set(name, value);
      const res = req.body === undefined ? await test : await test.send(req.body);
      return fromNodeHeaders(res.status, res.headers, res.text);
    };
  },
  hono: async () => {
    const app = new Hono();
    // Pure Fetch: the scheme comes from the URL, no proxy in between.
    app.use(honoAdapter.enforceHttps({ host: 'bank.example' }));
    app.use('/api/*', honoAdapter.jsonOnly());
    app.get('/', (c) => c.text('ok'));
    app.post('/api/do', (c) => c.text('ok'));
    return async (req) => {
      const https = req.headers?.['x-forwarded-proto'] === 'https';
      const { 'x-forwarded-proto': _, ...headers } = req.headers ?? {};
      const url = `${https ? 'https' : 'http'}://bank.example${req.path}`;
      return fromFetchResponse(await app.request(url, { method: req.method, headers, body: req.body }));
    };
  },
};

for (const [name, build] of Object.entries(apps)) {
  describe(`custos/${name} protection layer`, () => {
    it('plain HTTP: GET is redirected to the configured host, POST is refused', async () => {
      const send = await build();
      const get = await send({ method: 'GET', path: '/x?y=1', headers: { host: 'evil.example' } });
      expect(get.status).toBe(308);
      expect(get.headers.location).toBe('https://bank.example/x?y=1');
      expect(
        (await send({ method: 'POST', path: '/api/do', headers: { 'content-type': 'application/json' }, body: '{}' }))
          .status,
      ).toBe(403);
    });

    it('HTTPS responses carry HSTS; JSON endpoints refuse form and text bodies with 415', async () => {
      const send = await build();
      const https = { 'x-forwarded-proto': 'https' };
      const home = await send({ method: 'GET', path: '/', headers: https });
      expect(home.status).toBe(200);
      expect(home.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      const form = { ...https, 'content-type': 'application/x-www-form-urlencoded' };
      expect((await send({ method: 'POST', path: '/api/do', headers: form, body: 'a=1' })).status).toBe(415);
      const text = { ...https, 'content-type': 'text/plain' };
      expect((await send({ method: 'POST', path: '/api/do', headers: text, body: '{}' })).status).toBe(415);
      const json = { ...https, 'content-type': 'application/json' };
      expect((await send({ method: 'POST', path: '/api/do', headers: json, body: '{}' })).status).toBe(200);
    });
  });
}
