import http from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import * as nodeAdapter from '../../src/adapters/node.js';
import { createSessions, isCustosError, type SessionEvent, type SessionStore } from '../../src/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';

/**
 * Input the store refuses is the client's or the app's problem, not an outage: no 503, no
 * Retry-After, no `store-error` event (which feeds the outage metrics and pages on-call).
 */
const pool = testPool();
const schema = uniqueSchema('badinput');

beforeAll(async () => {
  await dropSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

async function pgStore(table: string): Promise<SessionStore> {
  const store = postgresStore({ pool, schema, table, onPoolError: false });
  await store.migrate();
  return store;
}

type App = (store: SessionStore, events: SessionEvent[]) => Promise<http.Server>;

const apps: Record<string, App> = {
  express: async (store, events) => {
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: (e) => events.push(e) });
    const app = express();
    app.use(expressAdapter.sessions(manager));
    app.get('/login', async (req, res, next) => {
      try {
        await req.session.login(String(req.query.user));
        res.send('ok');
      } catch (error) {
        next(error);
      }
    });
    app.get('/stuff', (req, res) => {
      req.session.set('note' as never, 'x'.repeat(Number(req.query.size)) as never);
      res.send('ok');
    });
    app.use(expressAdapter.sessionErrors());
    return http.createServer(app);
  },
  fastify: async (store, events) => {
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: (e) => events.push(e) });
    const app = Fastify();
    await app.register(fastifyAdapter.sessions, { manager });
    app.get('/login', async (req) => {
      await req.session.login(String((req.query as { user: string }).user));
      return 'ok';
    });
    app.get('/stuff', async (req) => {
      req.session.set('note' as never, 'x'.repeat(Number((req.query as { size: string }).size)) as never);
      return 'ok';
    });
    await app.ready();
    return app.server;
  },
  koa: async (store, events) => {
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: (e) => events.push(e) });
    const app = new Koa();
    app.use(koaAdapter.sessions(manager));
    app.use(async (ctx) => {
      if (ctx.path === '/login') await ctx.session.login(String(ctx.query.user));
      else ctx.session.set('note' as never, 'x'.repeat(Number(ctx.query.size)) as never);
      ctx.body = 'ok';
    });
    return http.createServer(app.callback());
  },
  node: async (store, events) => {
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: (e) => events.push(e) });
    return http.createServer(
      nodeAdapter.withSessions(manager, async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname === '/login') await req.session.login(String(url.searchParams.get('user')));
        else req.session.set('note' as never, 'x'.repeat(Number(url.searchParams.get('size'))) as never);
        res.end('ok');
      }),
    );
  },
  hono: async (store, events) => {
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: (e) => events.push(e) });
    const app = new Hono<honoAdapter.SessionEnv<object>>();
    app.use(honoAdapter.sessions(manager));
    app.get('/login', async (c) => {
      await c.get('session').login(String(c.req.query('user')));
      return c.text('ok');
    });
    app.get('/stuff', (c) => {
      c.get('session').set('note' as never, 'x'.repeat(Number(c.req.query('size'))) as never);
      return c.text('ok');
    });
    return createAdaptorServer({ fetch: app.fetch }) as http.Server;
  },
};

let table = 0;
for (const [name, build] of Object.entries(apps)) {
  describe(`custos/${name}: bad input is answered as bad input`, () => {
    it('a NUL byte in a PostgreSQL user_id is a 400, not STORE_UNAVAILABLE', async () => {
      const events: SessionEvent[] = [];
      const server = await build(await pgStore(`${name}_${++table}`), events);
      const res = await request(server).get('/login?user=al%00ice').set('host', 'localhost');
      expect(res.status).toBe(400);
      expect(res.headers['retry-after']).toBeUndefined();
      expect(events.filter((e) => e.type === 'store-error')).toEqual([]);
      // The same store still answers: a normal login goes through.
      expect((await request(server).get('/login?user=alice').set('host', 'localhost')).status).toBe(200);
    });

    it('COOKIE_TOO_LARGE in sealed-cookie mode is a 413, not STORE_UNAVAILABLE', async () => {
      const events: SessionEvent[] = [];
      const server = await build(cookieStore({ revocation: memoryStore() }), events);
      const big = await request(server).get('/stuff?size=5000').set('host', 'localhost');
      expect(big.status).toBe(413);
      expect(big.headers['retry-after']).toBeUndefined();
      expect([big.headers['set-cookie'] ?? []].flat().some((c) => String(c).startsWith('__Host-sid='))).toBe(false);
      expect(events.filter((e) => e.type === 'store-error')).toEqual([]);
      expect((await request(server).get('/stuff?size=100').set('host', 'localhost')).status).toBe(200);
    });
  });
}

describe('the PostgreSQL store classifies refused input itself', () => {
  it('INVALID_INPUT with the SQLSTATE and without the refused value', async () => {
    const store = await pgStore(`direct_${++table}`);
    const manager = createSessions({ secrets: [SECRET_A], store });
    const session = await manager.load({ method: 'GET', url: '/', headers: { host: 'localhost' }, secure: true });
    const error = await session.login('secret\u0000name').then(
      () => null,
      (e: unknown) => e,
    );
    expect(isCustosError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/SQLSTATE 22021/);
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('outage metrics stay quiet for refused input', () => {
  it('no custos_store_errors_total, and the call is timed as rejected, not error', async () => {
    const metrics = createMetrics();
    const store = metrics.wrapStore(await pgStore(`metrics_${++table}`));
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: metrics.onEvent });
    const session = await manager.load({ method: 'GET', url: '/', headers: { host: 'localhost' }, secure: true });
    await expect(session.login('al\u0000ice')).rejects.toMatchObject({ code: 'INVALID_INPUT', status: 400 });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^custos_store_errors_total\{[^}]*\} [1-9]/m);
    expect(text).toMatch(
      // The per-user cap (default 50) looks the user up before the record is created.
      /custos_store_duration_seconds_count\{operation="(create|listByUser)",store="postgres",outcome="rejected"\} 1/,
    );
    expect(text).not.toMatch(/outcome="error"/);
  });
});
