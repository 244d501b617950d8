import { randomBytes } from 'node:crypto';
import RedisStore from 'connect-redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import { dropKeysUnder } from '../helpers/redis-keys.js';
import { browser } from './helpers/client.js';
import { README_SECRET, readmeApp } from './helpers/readme-app.js';

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const redisPrefix = `custos-es-view:${randomBytes(6).toString('hex')}:`;
afterAll(async () => {
  await dropKeysUnder(redis, redisPrefix);
  await redis.quit();
});

type Cb<T> = (error: unknown, value?: T) => void;
interface StoreApi {
  get(sid: string, cb: Cb<Record<string, unknown> | null>): void;
  all(cb: Cb<Record<string, Record<string, unknown>>>): void;
  length(cb: Cb<number>): void;
  destroy(sid: string, cb: Cb<void>): void;
  set(sid: string, data: Record<string, unknown>, cb: Cb<void>): void;
  client?: unknown;
}
const call = <T>(fn: (cb: Cb<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((e, v) => (e ? reject(e) : resolve(v as T))));

/** The readme app plus the routes a store reader uses (admin page, handshake lookup). */
function appWith(options: Record<string, unknown>) {
  const middleware = custosSession({ secret: README_SECRET, resave: false, saveUninitialized: false, ...options });
  const app = readmeApp(() => middleware);
  // biome-ignore lint/suspicious/noExplicitAny: express-session's req surface is untyped
  const store = (req: any) => req.sessionStore as StoreApi;
  app.get('/peek', async (req, res) => {
    const sid = (req as unknown as { sessionID: string }).sessionID;
    res.json(await call((cb) => store(req).get(sid, cb)));
  });
  app.get('/all', async (req, res) => {
    const all = await call<Record<string, Record<string, unknown>>>((cb) => store(req).all(cb));
    res.json({
      all,
      length: await call<number>((cb) => store(req).length(cb)),
      hasClient: store(req).client !== undefined,
    });
  });
  app.get('/kick/:sid', async (req, res) => {
    await call<void>((cb) => store(req).destroy(req.params.sid, cb));
    res.send('kicked');
  });
  app.get('/rename/:sid/:user', async (req, res) => {
    const data = await call<Record<string, unknown> | null>((cb) => store(req).get(req.params.sid, cb));
    await call<void>((cb) => store(req).set(req.params.sid, { ...data, user: req.params.user }, cb));
    res.send('renamed');
  });
  return { app, middleware };
}

const backends: Array<{ label: string; store: () => ExpressSessionStore | undefined }> = [
  { label: "custos's default memory store", store: () => undefined },
  {
    label: 'connect-redis 7 on real Redis',
    store: () => new RedisStore({ client: redis, prefix: `${redisPrefix}${randomBytes(3).toString('hex')}:` }) as never,
  },
];

describe.each(backends)('req.sessionStore with $label', (backend) => {
  it('get/all/length return session data (not sealed records), destroy and set act on the session', async () => {
    const { app } = appWith({ store: backend.store(), cookie: { maxAge: 60_000 } });
    const alice = browser(app);
    await alice.post('/login', { user: 'alice' });
    await alice.get('/foo');
    const peek = (await alice.get('/peek')).body;
    expect(peek).toMatchObject({
      user: 'alice',
      views: { '/foo': 1 },
      cookie: { originalMaxAge: 60_000, httpOnly: true },
    });
    expect(Date.parse(peek.cookie.expires)).toBeGreaterThan(Date.now());
    const { id } = (await alice.get('/facts')).body;
    const { all, length, hasClient } = (await alice.get('/all')).body;
    expect(all[id]).toMatchObject({ user: 'alice', views: { '/foo': 1 } });
    expect(length).toBe(Object.keys(all).length);
    expect(hasClient).toBe(backend.store() !== undefined);
    await browser(app).get(`/rename/${id}/alicia`);
    expect((await alice.get('/')).text).toContain('hello, alicia');
    await browser(app).get(`/kick/${id}`);
    expect((await alice.get('/')).text).toContain('<form');
  });
});
