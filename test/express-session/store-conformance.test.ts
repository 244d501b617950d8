import { randomBytes } from 'node:crypto';
import RedisStore from 'connect-redis';
import session from 'express-session';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromExpressSessionStore } from '../../src/stores/express-session/store-adapter.js';
import { makeRecord } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { dropKeysUnder } from '../helpers/redis-keys.js';

const runPrefix = `custos-es-conf:${randomBytes(6).toString('hex')}:`;
let namespaces = 0;
const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

const dropKeys = (prefix: string) => dropKeysUnder(client, prefix);

afterAll(async () => {
  await dropKeys(runPrefix);
  await client.quit();
});

const runner = { describe, it, beforeEach, afterEach };

runStoreConformance(
  "express-session's MemoryStore through fromExpressSessionStore",
  async () => ({ store: fromExpressSessionStore(new session.MemoryStore()) }),
  runner,
);

runStoreConformance(
  'connect-redis 7 through fromExpressSessionStore',
  async () => {
    const prefix = `${runPrefix}${++namespaces}:`;
    return {
      store: fromExpressSessionStore(new RedisStore({ client, prefix })),
      cleanup: () => dropKeys(prefix),
    };
  },
  runner,
);

describe('fromExpressSessionStore on connect-redis: what lands in Redis', () => {
  it('stores the sealed record as the session object with a TTL past its expiry', async () => {
    const prefix = `${runPrefix}raw:`;
    const store = fromExpressSessionStore(new RedisStore({ client, prefix }));
    const record = makeRecord({ expiresAt: Date.now() + 120_000 });
    await store.create(record);
    const raw = JSON.parse((await client.get(`${prefix}${record.id}`)) ?? 'null');
    expect(raw.custos.record).toEqual(record);
    expect(JSON.stringify(raw)).not.toContain('"secret"');
    const ttl = await client.ttl(`${prefix}${record.id}`);
    // expiresAt (120 s) plus the default 60 s grace
    expect(ttl).toBeGreaterThan(170);
    expect(ttl).toBeLessThanOrEqual(181);
  });

  it('ignores plain express-session sessions living in the same store', async () => {
    const prefix = `${runPrefix}legacy:`;
    const foreign = new RedisStore({ client, prefix });
    const store = fromExpressSessionStore(foreign);
    await client.set(`${prefix}legacy-sid`, JSON.stringify({ cookie: { path: '/' }, user: 'alice' }));
    expect(await store.get('legacy-sid')).toBeNull();
    expect(await store.patch('legacy-sid', { set: { a: 'x' } })).toBe('missing');
  });
});
