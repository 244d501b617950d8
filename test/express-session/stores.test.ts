import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import RedisStore from 'connect-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';
import { dropKeysUnder } from '../helpers/redis-keys.js';
import { browser } from './helpers/client.js';
import { keptAfterParallelWrites } from './helpers/parallel.js';
import { README_SECRET, readmeApp, type SessionFactory } from './helpers/readme-app.js';

type PgStoreClass = new (options: Record<string, unknown>) => ExpressSessionStore;
const connectPgSimple = createRequire(import.meta.url)('connect-pg-simple') as (session: unknown) => PgStoreClass;

const session = custosSession as unknown as SessionFactory;
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const redisPrefix = `custos-es-stores:${randomBytes(6).toString('hex')}:`;
const pool = testPool();
const schema = uniqueSchema('es_compat');
// connect-pg-simple names its index IDX_session_expire, so each store gets its own schema.
const NAMES = ['flows', 'parallel', 'raw', 'revoke'];
const schemaFor = (name: string) => `${schema}_${name}`;

beforeAll(async () => {
  for (const name of NAMES) await pool.query(`CREATE SCHEMA "${schemaFor(name)}"`);
});

afterAll(async () => {
  await dropKeysUnder(redis, redisPrefix);
  await redis.quit();
  for (const name of NAMES) await dropSchema(pool, schemaFor(name));
  await pool.end();
});

interface Backend {
  label: string;
  /** A fresh store over its own namespace. */
  make(name: string): ExpressSessionStore;
  /** Every raw stored value under that namespace, as text. */
  dump(name: string): Promise<string[]>;
}

const backends: Backend[] = [
  {
    label: 'connect-redis 7 (ioredis, real Redis)',
    make: (name) => new RedisStore({ client: redis, prefix: `${redisPrefix}${name}:` }),
    dump: async (name) => {
      const keys = await redis.keys(`${redisPrefix}${name}:*`);
      return Promise.all(keys.map(async (k) => `${k} ${await redis.get(k)} ttl=${await redis.ttl(k)}`));
    },
  },
  {
    label: 'connect-pg-simple 10 (real PostgreSQL), built with connectPgSimple(custosSession)',
    // The drop-in line users already have: require('connect-pg-simple')(session)
    make: (name) => {
      const PgStore = connectPgSimple(custosSession);
      return new PgStore({
        pool,
        schemaName: schemaFor(name),
        createTableIfMissing: true,
        pruneSessionInterval: false,
      });
    },
    dump: async (name) => {
      const { rows } = await pool.query(`SELECT sid, sess::text AS sess, expire FROM "${schemaFor(name)}"."session"`);
      return rows.map(
        (r: { sid: string; sess: string; expire: Date }) => `${r.sid} ${r.sess} expire=${r.expire.toISOString()}`,
      );
    },
  },
];

describe.each(backends)('custos/express-session on $label', (backend) => {
  it('runs the README views, login, logout and destroy flows', async () => {
    const app = readmeApp(session, { store: backend.make('flows') });
    const user = browser(app);
    expect((await user.get('/foo')).text).toBe('you viewed this page 1 times');
    expect((await user.get('/foo')).text).toBe('you viewed this page 2 times');
    const anonymous = user.jar.clone();
    await user.post('/login', { user: 'alice' });
    expect((await user.get('/')).text).toContain('hello, alice');
    expect((await browser(app, anonymous).get('/foo')).text).toBe('you viewed this page 1 times');
    const loggedIn = user.jar.clone();
    await user.get('/logout');
    expect((await browser(app, loggedIn).get('/')).text).toContain('<form');
    await user.get('/foo');
    const beforeDestroy = user.jar.clone();
    await user.get('/destroy');
    expect((await browser(app, beforeDestroy).get('/foo')).text).toBe('you viewed this page 1 times');
  });

  it('keeps all of 100 parallel property writes to one session', async () => {
    // Patches of one session queue behind a per-process lock (get/set stores have no CAS), so on a
    // busy 2-core test machine the last of 100 can wait longer than the default 2 s store timeout.
    const app = readmeApp(session, { store: backend.make('parallel'), custos: { storeTimeout: '20s' } });
    expect(await keptAfterParallelWrites(app)).toBe(100);
  });

  it('persists only sealed records with an expiry the store enforces', async () => {
    const app = readmeApp(session, { store: backend.make('raw'), cookie: { maxAge: 10 * 60_000 } });
    const user = browser(app);
    await user.post('/login', { user: 'plaintext-user-name' });
    const rows = await backend.dump('raw');
    expect(rows.length).toBeGreaterThan(0);
    const joined = rows.join('\n');
    expect(joined).toContain('"custos"');
    expect(joined).not.toContain('plaintext-user-name');
    // The record's own row: its store expiry is the idle deadline (10 min) plus the 60 s grace.
    const id = (await user.get('/facts')).body.id as string;
    const row = rows.find((r) => r.includes(id)) ?? '';
    const ttl = Number(/ttl=(\d+)/.exec(row)?.[1] ?? Number.NaN);
    const expire = Date.parse(/expire=(\S+)/.exec(row)?.[1] ?? '');
    const seconds = Number.isNaN(ttl) ? (expire - Date.now()) / 1000 : ttl;
    expect(seconds).toBeGreaterThan(600);
    expect(seconds).toBeLessThanOrEqual(661);
  });

  it('revokeAll ends sessions held in the foreign store', async () => {
    const middleware = custosSession({ secret: README_SECRET, store: backend.make('revoke') });
    const app = readmeApp(() => middleware);
    const user = browser(app);
    await user.post('/login', { user: 'bob' });
    expect((await user.get('/')).text).toContain('hello, bob');
    await middleware.manager.revokeAll();
    expect((await user.get('/')).text).toContain('<form');
    await user.post('/login', { user: 'bob' });
    expect((await user.get('/')).text).toContain('hello, bob');
  });
});
