import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisStore } from '../../src/stores/redis/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { dropKeysUnder, keysUnder as keysUnderPrefix, recordCommands } from '../helpers/redis-keys.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `custos-test:${randomBytes(6).toString('hex')}:`;
let namespaces = 0;
const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

/** A prefix no other test (or run) uses. */
function uniquePrefix(): string {
  return `${runPrefix}${++namespaces}:`;
}

const keysUnder = (prefix: string) => keysUnderPrefix(client, prefix);
const dropKeys = (prefix: string) => dropKeysUnder(client, prefix);

afterAll(async () => {
  await dropKeys(runPrefix);
  await client.quit();
});

runStoreConformance(
  'redis',
  async () => {
    const prefix = uniquePrefix();
    return { store: redisStore({ client, prefix }), cleanup: () => dropKeys(prefix) };
  },
  { describe, it, beforeEach, afterEach },
);

/** A second connection whose commands are counted: each command is one round trip here. */
function countingClient(): { client: Redis; sent: string[] } {
  const counted = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  return { client: counted, sent: recordCommands(counted) };
}

/** Every key under a prefix with its type and full content, as an operator's dump would show. */
async function dump(prefix: string): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const key of await keysUnder(prefix)) {
    const type = await client.type(key);
    if (type === 'hash') out.set(key, await client.hgetall(key));
    else if (type === 'zset') out.set(key, await client.zrange(key, 0, -1, 'WITHSCORES'));
    else if (type === 'string') out.set(key, await client.get(key));
    else out.set(key, type);
  }
  return out;
}

describe('redis store specifics', () => {
  let prefix: string;
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await dropKeys(prefix);
  });

  it('get, patch, create, destroy and revokeAll each cost one command (one round trip)', async () => {
    const { client: counted, sent } = countingClient();
    try {
      const store = redisStore({ client: counted, prefix });
      const warm = makeRecord();
      // First use loads each script (NOSCRIPT then EVAL); measure afterwards.
      await store.create(warm);
      await store.get(warm.id);
      await store.patch(warm.id, { set: { a: makeSealedValue() } });
      const record = makeRecord();
      const measure = async (work: () => Promise<unknown>) => {
        sent.length = 0;
        await work();
        return [...sent];
      };
      expect(await measure(() => store.create(record))).toEqual(['evalsha']);
      expect(await measure(() => store.get(record.id))).toEqual(['evalsha']);
      expect(
        await measure(() =>
          store.patch(record.id, {
            expect: { cart: record.fields.cart! },
            set: { cart: makeSealedValue() },
            unset: ['$csrf'],
            lastSeenAt: Date.now(),
            expiresAt: Date.now() + 60_000,
          }),
        ),
      ).toEqual(['evalsha']);
      expect(await measure(() => store.destroy(record.id))).toEqual(['del']);
      expect(await measure(() => store.revokeAll())).toEqual(['incr']);
    } finally {
      await counted.quit();
    }
  });

  it('a raw dump holds only the verifier, metadata and the sealed values as given', async () => {
    const store = redisStore({ client, prefix });
    const record = makeRecord({ fields: { $csrf: makeSealedValue(), cart: makeSealedValue() } });
    await store.create(record);
    const theme = makeSealedValue();
    await store.patch(record.id, { set: { theme }, unset: ['cart'] });
    const content = await dump(prefix);
    const sessionKey = `${prefix}s:{${record.id}}`;
    const indexKey = `${prefix}u:{${record.userId}}`;
    expect([...content.keys()].sort()).toEqual([indexKey, sessionKey].sort());
    expect(content.get(sessionKey)).toEqual({
      v: record.verifier,
      u: record.userId,
      c: String(record.createdAt),
      l: String(record.lastSeenAt),
      a: String(record.authenticatedAt),
      x: String(record.absoluteExpiresAt),
      t: String(record.expiresAt),
      e: '0',
      'f:$csrf': record.fields.$csrf,
      'f:theme': theme,
    });
    expect(content.get(indexKey)).toEqual([record.id, String(record.expiresAt)]);
    // The removed field's sealed value is gone from every key and value.
    expect(JSON.stringify([...content])).not.toContain(record.fields.cart);
  });

  it('sets the key deadline to expiresAt plus ttlGrace and moves it on patch', async () => {
    const store = redisStore({ client, prefix, ttlGrace: 60_000 });
    const record = makeRecord({ expiresAt: Date.now() + 600_000 });
    await store.create(record);
    const key = `${prefix}s:{${record.id}}`;
    expect(await client.call('PEXPIRETIME', key)).toBe(record.expiresAt + 60_000);
    const later = record.expiresAt + 120_000;
    await store.patch(record.id, { expiresAt: later });
    expect(await client.call('PEXPIRETIME', key)).toBe(later + 60_000);
    await store.patch(record.id, { set: { a: makeSealedValue() } });
    expect(await client.call('PEXPIRETIME', key)).toBe(later + 60_000);
  });

  it('writes records and patches with more fields than one HSET chunk (500 pairs) holds', async () => {
    const store = redisStore({ client, prefix });
    const fields: Record<string, string> = {};
    for (let i = 0; i < 1_234; i++) fields[`f${i}`] = makeSealedValue();
    const record = makeRecord({ fields });
    expect(await store.create(record)).toBe(true);
    expect((await store.get(record.id))?.fields).toEqual(fields);
    const set: Record<string, string> = {};
    for (let i = 0; i < 777; i++) set[`g${i}`] = makeSealedValue();
    const unset = ['f0', 'f1'];
    expect(
      await store.patch(record.id, { set, unset, lastSeenAt: record.lastSeenAt + 5, expiresAt: record.expiresAt + 5 }),
    ).toBe('ok');
    const after = await store.get(record.id);
    const { f0: _f0, f1: _f1, ...kept } = fields;
    expect(after?.fields).toEqual({ ...kept, ...set });
    expect([after?.lastSeenAt, after?.expiresAt]).toEqual([record.lastSeenAt + 5, record.expiresAt + 5]);
  });

  it('never gives a key a deadline in the past, so an expired record waits for purge', async () => {
    const store = redisStore({ client, prefix, ttlGrace: 60_000 });
    const record = makeRecord({ expiresAt: Date.now() - 3_600_000 });
    const before = Date.now();
    await store.create(record);
    const deadline = Number(await client.call('PEXPIRETIME', `${prefix}s:{${record.id}}`));
    expect(deadline).toBeGreaterThanOrEqual(before + 60_000 - 1_000);
    expect(await store.get(record.id)).toEqual(record);
  });

  it('a second app instance sees revokeAll and destroy on its very next call', async () => {
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const a = redisStore({ client, prefix });
      const b = redisStore({ client: other, prefix });
      const [kept, revoked] = [makeRecord(), makeRecord()];
      await a.create(kept);
      expect(await b.get(kept.id)).toEqual(kept);
      await a.destroy(kept.id);
      expect(await b.patch(kept.id, { set: { x: makeSealedValue() } })).toBe('missing');
      await b.create(revoked);
      await a.revokeAll();
      expect(await b.get(revoked.id)).toBeNull();
      expect(await b.patch(revoked.id, { set: { x: makeSealedValue() } })).toBe('missing');
    } finally {
      await other.quit();
    }
  });

  it('prunes user index entries of destroyed sessions once their expiry hint has passed', async () => {
    const store = redisStore({ client, prefix });
    const userId = 'user-index-prune';
    const past = makeRecord({ userId, expiresAt: Date.now() - 1 });
    const future = makeRecord({ userId });
    await store.create(past);
    await store.create(future);
    await store.destroy(past.id);
    await store.destroy(future.id);
    const indexKey = `${prefix}u:{${userId}}`;
    expect(await client.zcard(indexKey)).toBe(2);
    expect(await store.listByUser(userId)).toEqual([]);
    // The entry with a future hint stays (it could be a cluster create in flight) until it expires.
    expect(await client.zrange(indexKey, 0, -1)).toEqual([future.id]);
  });

  it('purgeExpired prunes index entries of vanished sessions and re-scores extended ones', async () => {
    const store = redisStore({ client, prefix });
    const userId = 'user-purge-index';
    const now = Date.now();
    const vanished = makeRecord({ userId, expiresAt: now - 10 });
    const extended = makeRecord({ userId, expiresAt: now - 5 });
    await store.create(vanished);
    await store.create(extended);
    await client.del(`${prefix}s:{${vanished.id}}`); // as if Redis expired it
    await store.patch(extended.id, { expiresAt: now + 3_600_000 });
    expect(await store.purgeExpired(now)).toBe(0);
    expect(await client.zrange(`${prefix}u:{${userId}}`, 0, -1, 'WITHSCORES')).toEqual([
      extended.id,
      String(now + 3_600_000),
    ]);
  });

  it('purgeExpired sweeps a bounded number of user indexes per call and resumes where it stopped', async () => {
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const users = 1_500;
    const records = Array.from({ length: users }, (_, i) => makeRecord({ userId: `sweep-${i}`, expiresAt: now - 10 }));
    await Promise.all(records.map((record) => store.create(record)));
    // As if Redis had expired every session key: only the index entries remain.
    await Promise.all(records.map((record) => client.del(`${prefix}s:{${record.id}}`)));
    const indexesLeft = async () => (await keysUnder(`${prefix}u:`)).length;
    expect(await indexesLeft()).toBe(users);
    expect(await store.purgeExpired(now, 100)).toBe(0);
    const afterOne = await indexesLeft();
    expect(afterOne).toBeLessThan(users);
    expect(afterOne).toBeGreaterThan(0);
    for (let call = 0; call < 20 && (await indexesLeft()) > 0; call++) await store.purgeExpired(now, 100);
    expect(await indexesLeft()).toBe(0);
  });

  it('counts revoked records as purged', async () => {
    const store = redisStore({ client, prefix });
    await store.create(makeRecord());
    await store.create(makeRecord({ userId: null, authenticatedAt: null }));
    await store.revokeAll();
    const fresh = makeRecord();
    await store.create(fresh);
    expect(await store.purgeExpired(Date.now())).toBe(2);
    expect((await dump(prefix)).has(`${prefix}s:{${fresh.id}}`)).toBe(true);
    expect(await store.get(fresh.id)).toEqual(fresh);
  });

  it('errors carry no command arguments or session data', async () => {
    const store = redisStore({ client, prefix });
    const record = makeRecord();
    await client.set(`${prefix}s:{${record.id}}`, 'not a hash');
    const value = makeSealedValue();
    const error = await store.patch(record.id, { set: { cart: value } }).then(
      () => null,
      (e: unknown) => e as Error & { command?: unknown },
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/WRONGTYPE/);
    expect(error?.command).toBeUndefined();
    expect(`${error?.message}${error?.stack}`).not.toContain(value);
  });

  it('keeps two prefixes apart and rejects a prefix that would break hash tags', async () => {
    const a = redisStore({ client, prefix });
    const b = redisStore({ client, prefix: `${prefix}other:` });
    const record = makeRecord();
    await a.create(record);
    expect(await b.get(record.id)).toBeNull();
    expect(await b.count()).toBe(0);
    await dropKeys(`${prefix}other:`);
    expect(() => redisStore({ client, prefix: 'app{1}:' })).toThrow(/prefix/);
    expect(() => redisStore({ client, prefix, ttlGrace: -1 })).toThrow(/ttlGrace/);
  });

  it('rejects an invalid record on import without writing it', async () => {
    const store = redisStore({ client, prefix });
    const bad = { ...makeRecord(), verifier: 42 } as unknown as ReturnType<typeof makeRecord>;
    await expect(store.importRecords([bad])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect(await keysUnder(prefix)).toEqual([]);
  });
});

describe('redis store edge values', () => {
  const prefix = uniquePrefix();
  afterAll(() => dropKeys(prefix));

  it('imports a record whose expiresAt is far in the future', async () => {
    const store = redisStore({ client, prefix });
    const record = makeRecord({ expiresAt: 1e20, absoluteExpiresAt: 1e20 });
    expect(await store.importRecords([record])).toBe(1);
    expect(await store.get(record.id)).toEqual(record);
  });
});
