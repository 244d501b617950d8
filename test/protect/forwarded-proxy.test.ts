import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as fetchAdapter from '../../src/adapters/fetch.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import * as nodeAdapter from '../../src/adapters/node.js';
import { createSessions, type SessionManager } from '../../src/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { SECRET_A } from '../helpers/clock.js';
import { type ForwardingProxy, PROXY_ADDRESS, sendThrough, startForwardingProxy } from '../helpers/forwarding-proxy.js';

/**
 * Each adapter runs behind a real reverse proxy on loopback that appends X-Forwarded-*, the way
 * Heroku's router, Render, Fly, an nginx or a k8s ingress do. `explicit` trusts the proxy through
 * `trustedProxies`; `framework` through the framework's own setting; `untrusted` lists a range
 * the proxy is not in.
 */
type Trust = 'explicit' | 'framework' | 'hops' | 'untrusted';
type Build = (manager: SessionManager<object>, trust: Trust, guarded: boolean) => Promise<Server>;

const HOST = 'bank.example';
const explicitList = (trust: Trust) =>
  trust === 'explicit' ? [PROXY_ADDRESS] : trust === 'untrusted' ? ['10.0.0.0/8'] : undefined;

const adapters: Record<string, { build: Build; framework: boolean; enforceHttps?: false }> = {
  express: {
    framework: true,
    build: async (manager, trust, guarded) => {
      const app = express();
      if (trust === 'framework') app.set('trust proxy', PROXY_ADDRESS);
      if (trust === 'hops') app.set('trust proxy', 1);
      const trustedProxies = explicitList(trust);
      if (guarded) app.use(expressAdapter.enforceHttps({ host: HOST, trustedProxies }));
      app.use(expressAdapter.sessions(manager, { trustedProxies }));
      app.get('/visit', (req, res) => {
        req.session.set('n' as never, 1 as never);
        res.send('ok');
      });
      app.use(expressAdapter.sessionErrors());
      return http.createServer(app);
    },
  },
  fastify: {
    framework: true,
    build: async (manager, trust, guarded) => {
      const app = Fastify(trust === 'framework' ? { trustProxy: PROXY_ADDRESS } : {});
      const trustedProxies = explicitList(trust);
      if (guarded) app.addHook('onRequest', fastifyAdapter.enforceHttps({ host: HOST, trustedProxies }));
      await app.register(fastifyAdapter.sessions, { manager, trustedProxies });
      app.get('/visit', async (request) => {
        request.session.set('n' as never, 1 as never);
        return 'ok';
      });
      await app.ready();
      return app.server;
    },
  },
  koa: {
    framework: true,
    build: async (manager, trust, guarded) => {
      const app = new Koa();
      if (trust === 'framework') {
        app.proxy = true;
        app.maxIpsCount = 1;
      }
      const trustedProxies = explicitList(trust);
      if (guarded) app.use(koaAdapter.enforceHttps({ host: HOST, trustedProxies }));
      app.use(koaAdapter.sessions(manager, { trustedProxies }));
      app.use((ctx) => {
        ctx.session.set('n' as never, 1 as never);
        ctx.body = 'ok';
      });
      return http.createServer(app.callback());
    },
  },
  node: {
    framework: false,
    build: async (manager, trust, guarded) => {
      const trustedProxies = explicitList(trust);
      const guard = nodeAdapter.enforceHttps({ host: HOST, trustedProxies });
      const handler = nodeAdapter.withSessions(
        manager,
        (req, res) => {
          req.session.set('n' as never, 1 as never);
          res.end('ok');
        },
        { trustedProxies },
      );
      return http.createServer((req, res) => (guarded ? guard(req, res, () => handler(req, res)) : handler(req, res)));
    },
  },
  hono: {
    framework: false,
    build: async (manager, trust, guarded) => {
      const app = new Hono<honoAdapter.SessionEnv<object>>();
      const trustedProxies = explicitList(trust);
      if (guarded) app.use(honoAdapter.enforceHttps({ host: HOST, trustedProxies }));
      app.use(honoAdapter.sessions(manager, { trustedProxies }));
      app.get('/visit', (c) => {
        c.get('session').set('n' as never, 1 as never);
        return c.text('ok');
      });
      return createAdaptorServer({ fetch: app.fetch }) as Server;
    },
  },
  // The Fetch adapter served by @hono/node-server, the peer address from its Node request.
  fetch: {
    framework: false,
    enforceHttps: false,
    build: async (manager, trust) => {
      type Env = { incoming: http.IncomingMessage };
      const handler = fetchAdapter.withSessions(
        manager,
        async (_request, session, _env: Env) => {
          session.set('n' as never, 1 as never);
          return new Response('ok');
        },
        {
          remoteAddress: (_request, env) => env.incoming.socket.remoteAddress,
          trustedProxies: explicitList(trust),
        },
      );
      return createAdaptorServer({ fetch: (request, env) => handler(request, env as Env) }) as Server;
    },
  },
};

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

async function behindProxy(
  name: string,
  trust: Trust,
  scheme: 'http' | 'https',
  guarded = false,
): Promise<ForwardingProxy> {
  const manager = createSessions({ secrets: [SECRET_A] });
  const server = await adapters[name]!.build(manager as SessionManager<object>, trust, guarded);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const proxy = await startForwardingProxy((server.address() as AddressInfo).port, scheme);
  open.push(() => proxy.close());
  return proxy;
}

const sessionCookie = (answer: { headers: http.IncomingHttpHeaders }) =>
  (answer.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-sid='));

for (const [name, { framework, enforceHttps }] of Object.entries(adapters)) {
  const modes: Trust[] = framework ? ['explicit', 'framework'] : ['explicit'];
  // Express's hop count, the README's Heroku/Render setting (Koa's `framework` mode is one already;
  // Fastify 5 ignores a numeric trustProxy on purpose, and custos follows it).
  if (name === 'express') modes.push('hops');
  describe(`custos/${name} behind an appending reverse proxy`, () => {
    for (const trust of modes) {
      it(`${trust} trust: a TLS-terminating proxy's X-Forwarded-Proto counts, the session cookie is set`, async () => {
        const proxy = await behindProxy(name, trust, 'https');
        const answer = await sendThrough(proxy.port, { path: '/visit', headers: { host: HOST } });
        expect(answer.status).toBe(200);
        expect(sessionCookie(answer)).toBeDefined();
      });

      it(`${trust} trust: TLS-03 a plain-HTTP client claiming X-Forwarded-Proto: https is not taken as HTTPS`, async () => {
        const proxy = await behindProxy(name, trust, 'http');
        const answer = await sendThrough(proxy.port, {
          path: '/visit',
          headers: { host: HOST, 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
        });
        expect(answer.status).toBe(403);
        expect(sessionCookie(answer)).toBeUndefined();
        expect(hasWarned('custos-forwarded-proto-client-supplied')).toBe(true);
      });

      if (enforceHttps === false) continue;
      it(`${trust} trust: enforceHttps redirects the spoofing client and serves HSTS through the TLS proxy`, async () => {
        const plain = await behindProxy(name, trust, 'http', true);
        const spoofed = await sendThrough(plain.port, {
          path: '/visit',
          headers: { host: HOST, 'x-forwarded-proto': 'https' },
        });
        expect(spoofed.status).toBe(308);
        expect(spoofed.headers.location).toBe(`https://${HOST}/visit`);
        const tls = await behindProxy(name, trust, 'https', true);
        const served = await sendThrough(tls.port, { path: '/visit', headers: { host: HOST } });
        expect(served.status).toBe(200);
        expect(served.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      });
    }

    it('a proxy outside trustedProxies is not believed, and a warning says what to set', async () => {
      const proxy = await behindProxy(name, 'untrusted', 'https');
      const answer = await sendThrough(proxy.port, { path: '/visit', headers: { host: HOST } });
      expect(answer.status).toBe(403);
      expect(sessionCookie(answer)).toBeUndefined();
      expect(hasWarned('custos-forwarded-proto-untrusted-peer')).toBe(true);
    });
  });
}
