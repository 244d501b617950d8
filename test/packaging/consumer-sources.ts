/**
 * Files of the throw-away consumer project the packaging test installs the tarball into. They
 * are strings, not files under test/, so the repo's own type-check never sees `custos` imports.
 */

/** Imports every subpath given on the command line, then drives three adapters end to end. */
export const SMOKE_MJS = `
const subpaths = JSON.parse(process.argv[2]);
const report = { imported: {}, runs: {} };
for (const subpath of subpaths) {
  const mod = await import(subpath);
  report.imported[subpath] = Object.keys(mod).sort();
}

const { createSessions, memoryStore } = await import('custos');
const secrets = ['consumer-secret-0123456789-abcdefghijklmnopqrstuvwxyz'];
const cookieOf = (headers) => headers.getSetCookie().find((c) => c.startsWith('__Host-sid='))?.split(';')[0];

// Fetch adapter: Request in, Response out.
{
  const { withSessions } = await import('custos/fetch');
  const manager = createSessions({ secrets, store: memoryStore() });
  const handler = withSessions(manager, async (request, session) => {
    if (request.method === 'POST') session.set('visits', (session.get('visits') ?? 0) + 1);
    return Response.json({ visits: session.get('visits') ?? 0 });
  });
  const first = await handler(new Request('http://localhost/', { method: 'POST' }));
  const cookie = cookieOf(first.headers);
  const second = await handler(new Request('http://localhost/', { headers: { cookie } }));
  report.runs.fetch = { cookie: Boolean(cookie), body: await second.json() };
}

// Hono as a pure Fetch handler.
{
  const { Hono } = await import('hono');
  const { sessions } = await import('custos/hono');
  const manager = createSessions({ secrets, store: memoryStore() });
  const app = new Hono();
  app.use(sessions(manager));
  app.post('/', (c) => { c.get('session').set('who', 'hono'); return c.text('ok'); });
  app.get('/', (c) => c.json(c.get('session').toJSON()));
  const first = await app.request('/', { method: 'POST' });
  const second = await app.request('/', { headers: { cookie: cookieOf(first.headers) } });
  report.runs.hono = await second.json();
}

// Fastify plugin through inject().
{
  const Fastify = (await import('fastify')).default;
  const { sessions } = await import('custos/fastify');
  const manager = createSessions({ secrets, store: memoryStore() });
  const app = Fastify();
  await app.register(sessions, { manager });
  app.post('/', async (request) => { request.session.set('who', 'fastify'); return 'ok'; });
  app.get('/', async (request) => request.session.toJSON());
  const first = await app.inject({ method: 'POST', url: '/' });
  const cookie = [first.headers['set-cookie']].flat().find((c) => c?.startsWith('__Host-sid='))?.split(';')[0];
  const second = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
  report.runs.fastify = second.json();
  await app.close();
}

console.log(JSON.stringify(report));
`;

/**
 * A TypeScript consumer: declares its session data once and expects every adapter's session to
 * be typed by it; each `@ts-expect-error` line is misuse that must keep failing to compile.
 */
export const CONSUMER_TS = `
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { expectTypeOf } from 'expect-type';
import { createSessions, CustosError, memoryStore, type Session, type SessionData } from 'custos';
import { csrf as expressCsrf, sessionErrors, sessions as expressSessions } from 'custos/express';
import { csrf as fastifyCsrf, sessions as fastifySessions } from 'custos/fastify';
import { withSessions as fetchWithSessions } from 'custos/fetch';
import { csrf as honoCsrf, type SessionEnv, sessions as honoSessions } from 'custos/hono';
import { csrf as koaCsrf, sessions as koaSessions } from 'custos/koa';
import { withSessions as nodeWithSessions } from 'custos/node';
import { memoryStore as memoryStoreSubpath } from 'custos/stores/memory';
import { postgresStore } from 'custos/stores/postgres';
import { redisStore } from 'custos/stores/redis';
import { sqliteStore } from 'custos/stores/sqlite';
import { makeRecord, runAdapterScenarios, runStoreConformance, type ScenarioDriver } from 'custos/testing';

declare module 'custos' {
  interface SessionData {
    cart: string[];
    theme: 'light' | 'dark';
  }
}

const manager = createSessions({ secrets: ['x'.repeat(40)], store: memoryStoreSubpath() });
expectTypeOf(manager.load).returns.resolves.toEqualTypeOf<Session<SessionData>>();

declare const session: Session<SessionData>;
expectTypeOf(session.get('cart')).toEqualTypeOf<string[] | undefined>();
expectTypeOf(session.get('theme')).toEqualTypeOf<'light' | 'dark' | undefined>();
session.set('cart', ['apple']);
// @ts-expect-error: a number is not a string[]
session.set('cart', 42);
// @ts-expect-error: not a declared key
session.get('carts');

const app = express();
app.use(expressSessions(manager));
app.post('/buy', expressCsrf(manager), (req, res) => {
  expectTypeOf(req.session.get('cart')).toEqualTypeOf<string[] | undefined>();
  // @ts-expect-error: theme is 'light' | 'dark'
  req.session.set('theme', 'blue');
  res.end();
});
app.use(sessionErrors());

const fastify = Fastify();
void fastify.register(fastifySessions, { manager });
fastify.post('/buy', { preHandler: fastifyCsrf(manager) }, async (request) => {
  expectTypeOf(request.session.get('cart')).toEqualTypeOf<string[] | undefined>();
  return 'ok';
});

const koa = new Koa();
koa.use(koaSessions(manager));
koa.use(koaCsrf(manager));
koa.use((ctx) => {
  expectTypeOf(ctx.session.get('cart')).toEqualTypeOf<string[] | undefined>();
});

const hono = new Hono<SessionEnv>();
hono.use(honoSessions(manager));
hono.post('/buy', honoCsrf(manager), (c) => {
  expectTypeOf(c.get('session').get('cart')).toEqualTypeOf<string[] | undefined>();
  return c.text('ok');
});

interface Shop { basket: number[] }
const shop = createSessions<Shop>({ secrets: ['y'.repeat(40)], store: memoryStore() });
export const GET = fetchWithSessions(shop, async (_request, s) => {
  expectTypeOf(s.get('basket')).toEqualTypeOf<number[] | undefined>();
  // @ts-expect-error: Shop has no cart
  s.get('cart');
  return new Response('ok');
});
export const node = nodeWithSessions(shop, (req, res) => {
  expectTypeOf(req.session.get('basket')).toEqualTypeOf<number[] | undefined>();
  res.end();
});

expectTypeOf(sqliteStore).toBeFunction();
expectTypeOf(redisStore).toBeFunction();
expectTypeOf(postgresStore).toBeFunction();
expectTypeOf(runStoreConformance).toBeFunction();
expectTypeOf(runAdapterScenarios).parameter(1).toEqualTypeOf<ScenarioDriver>();
expectTypeOf(makeRecord({ userId: null }).userId).toEqualTypeOf<string | null>();
expectTypeOf(new CustosError('STORE_UNAVAILABLE', 'down').status).toEqualTypeOf<number>();
`;

export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  },
  files: ['consumer.ts'],
};
