import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import RedisStore from 'connect-redis';
import expressSession from 'express-session';
import { Redis } from 'ioredis';
import type { ExpressSessionStore } from '../../../src/adapters/express-session/index.js';
import { dropSchema, testPool, uniqueSchema } from '../../helpers/postgres.js';
import { dropKeysUnder } from '../../helpers/redis-keys.js';

type PgStoreClass = new (options: Record<string, unknown>) => ExpressSessionStore;
const connectPgSimple = createRequire(import.meta.url)('connect-pg-simple') as (session: unknown) => PgStoreClass;

export interface LegacyBackend {
  readonly label: string;
  /** A store for one test, named so that PostgreSQL tests get a schema of their own. */
  readonly make: (name: string) => ExpressSessionStore;
}

/**
 * The express-session stores old and new instances share in the migration tests: MemoryStore
 * (in-process), connect-redis 7 on the real Redis and connect-pg-simple 10 on the real
 * PostgreSQL, each built from express-session as an old instance builds it. connect-pg-simple
 * names its index IDX_session_expire, so each named store gets its own schema: list the names
 * the tests use, call `setup()` in beforeAll and `teardown()` in afterAll.
 */
export function legacyStores(tag: string, pgNames: readonly string[]) {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const redisPrefix = `custos-es-${tag}:${randomBytes(6).toString('hex')}:`;
  const pool = testPool();
  const schema = uniqueSchema(`es_${tag}`);
  const schemaFor = (name: string) => `${schema}_${name}`;
  const backends: LegacyBackend[] = [
    {
      label: "express-session's MemoryStore, shared in-process",
      make: () => new expressSession.MemoryStore() as never,
    },
    {
      label: 'connect-redis 7 on real Redis (ioredis)',
      make: (name) => new RedisStore({ client: redis, prefix: `${redisPrefix}${name}:` }) as never,
    },
    {
      label: 'connect-pg-simple 10 on real PostgreSQL',
      make: (name) => {
        if (!pgNames.includes(name)) throw new Error(`legacyStores: add "${name}" to the PostgreSQL store names`);
        const PgStore = connectPgSimple(expressSession);
        return new PgStore({
          pool,
          schemaName: schemaFor(name),
          createTableIfMissing: true,
          pruneSessionInterval: false,
        });
      },
    },
  ];
  return {
    backends,
    async setup(): Promise<void> {
      for (const name of pgNames) await pool.query(`CREATE SCHEMA "${schemaFor(name)}"`);
    },
    async teardown(): Promise<void> {
      await dropKeysUnder(redis, redisPrefix);
      await redis.quit();
      for (const name of pgNames) await dropSchema(pool, schemaFor(name));
      await pool.end();
    },
  };
}

/** The record a store holds for an express-session id (`null` when none). */
export const storedRecord = (store: ExpressSessionStore, sid: string) =>
  new Promise<unknown>((resolve, reject) => store.get(sid, (e, s) => (e ? reject(e) : resolve(s ?? null))));

/** The id inside an express-session cookie value (`s%3A<id>.<sig>`); '' for any other value. */
export const legacyId = (value: string | undefined) => /^s:([^.]+)\./.exec(decodeURIComponent(value ?? ''))?.[1] ?? '';
