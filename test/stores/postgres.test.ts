import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCustosError } from '../../src/errors.js';
import type { StoredSession } from '../../src/stores/contract.js';
import { type PostgresStore, postgresStore } from '../../src/stores/postgres/index.js';
import { makeRecord, makeSealedValue, makeUserId } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { countingPool, dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';

const pool = testPool();
/** A second pool stands for a second app instance sharing the database. */
const otherPool = testPool({ max: 4 });
const schema = uniqueSchema('pg');
let tableSeq = 0;

/** Each test gets its own table (same schema) so revokeAll/purge in one test cannot touch another. */
async function freshStore(options: { batchSize?: number } = {}): Promise<PostgresStore> {
  const store = postgresStore({ pool, schema, table: `s${++tableSeq}`, ...options });
  await store.migrate();
  return store;
}

beforeAll(async () => {
  await dropSchema(pool, schema);
});

afterAll(async () => {
  await dropSchema(pool, schema);
  await Promise.all([pool.end(), otherPool.end()]);
});

runStoreConformance(
  'postgres',
  async () => {
    const table = `c${++tableSeq}`;
    const store = postgresStore({ pool, schema, table });
    await store.migrate();
    const cleanup = async () => {
      await pool.query(
        `DROP TABLE "${schema}"."${table}", "${schema}"."${table}_epoch", "${schema}"."${table}_migrations"`,
      );
    };
    return { store, cleanup };
  },
  { describe, it, beforeEach, afterEach },
);

describe('postgres store: records', () => {
  it('creates a record and reads it back exactly', async () => {
    const store = await freshStore();
    const record = makeRecord();
    expect(await store.create(record)).toBe(true);
    expect(await store.get(record.id)).toEqual(record);
    const anonymous = makeRecord({ userId: null, authenticatedAt: null, fields: {} });
    expect(await store.create(anonymous)).toBe(true);
    expect(await store.get(anonymous.id)).toEqual(anonymous);
  });

  it('refuses to create over a live id, even an expired one, and keeps the original', async () => {
    const store = await freshStore();
    const record = makeRecord({ expiresAt: 1 });
    expect(await store.create(record)).toBe(true);
    expect(await store.create({ ...record, verifier: 'other' })).toBe(false);
    expect((await store.get(record.id))?.verifier).toBe(record.verifier);
  });

  it('lets a new record take the id of a record revoked by epoch', async () => {
    const store = await freshStore();
    const old = makeRecord();
    await store.create(old);
    await store.revokeAll();
    const replacement = makeRecord({ id: old.id });
    expect(await store.create(replacement)).toBe(true);
    expect(await store.get(old.id)).toEqual(replacement);
  });

  it('returns null for an unknown id and after destroy', async () => {
    const store = await freshStore();
    const record = makeRecord();
    expect(await store.get(record.id)).toBeNull();
    await store.create(record);
    await store.destroy(record.id);
    expect(await store.get(record.id)).toBeNull();
    await store.destroy(record.id);
  });
});

describe('postgres store: patch', () => {
  it('unsets, then sets fields, and moves lastSeenAt/expiresAt only when given', async () => {
    const store = await freshStore();
    const record = makeRecord({ fields: { a: 'A', b: 'B' } });
    await store.create(record);
    expect(await store.patch(record.id, { unset: ['a', 'b'], set: { b: 'B2', c: 'C' } })).toBe('ok');
    let got = await store.get(record.id);
    expect(got?.fields).toEqual({ b: 'B2', c: 'C' });
    expect(got?.lastSeenAt).toBe(record.lastSeenAt);
    expect(got?.expiresAt).toBe(record.expiresAt);
    expect(await store.patch(record.id, { lastSeenAt: record.lastSeenAt + 5, expiresAt: record.expiresAt + 7 })).toBe(
      'ok',
    );
    got = await store.get(record.id);
    expect(got?.lastSeenAt).toBe(record.lastSeenAt + 5);
    expect(got?.expiresAt).toBe(record.expiresAt + 7);
    expect(got?.fields).toEqual({ b: 'B2', c: 'C' });
    expect(got?.absoluteExpiresAt).toBe(record.absoluteExpiresAt);
  });

  it('never creates a record: unknown, destroyed and revoked ids are missing', async () => {
    const store = await freshStore();
    const record = makeRecord();
    expect(await store.patch(record.id, { set: { x: 'y' } })).toBe('missing');
    expect(await store.get(record.id)).toBeNull();
    await store.create(record);
    await store.destroy(record.id);
    expect(await store.patch(record.id, { set: { x: 'y' }, expect: { x: null } })).toBe('missing');
    expect(await store.get(record.id)).toBeNull();
    const revoked = makeRecord();
    await store.create(revoked);
    await store.revokeAll();
    expect(await store.patch(revoked.id, { set: { x: 'y' } })).toBe('missing');
    expect(await store.count()).toBe(0);
  });

  it('applies a compare-and-set only when every expectation holds', async () => {
    const store = await freshStore();
    const record = makeRecord({ fields: { n: '1' } });
    await store.create(record);
    expect(await store.patch(record.id, { set: { n: '2' }, expect: { n: '0' } })).toBe('conflict');
    expect(await store.patch(record.id, { set: { n: '2' }, expect: { n: '1', absent: 'x' } })).toBe('conflict');
    expect(await store.patch(record.id, { set: { n: '2' }, expect: { n: null } })).toBe('conflict');
    expect((await store.get(record.id))?.fields).toEqual({ n: '1' });
    expect(await store.patch(record.id, { set: { n: '2', m: 'new' }, expect: { n: '1', m: null } })).toBe('ok');
    expect((await store.get(record.id))?.fields).toEqual({ n: '2', m: 'new' });
  });

  it('keeps field names and values with quotes, unicode and SQL-looking text intact', async () => {
    const store = await freshStore();
    const record = makeRecord({ fields: {} });
    await store.create(record);
    const odd = { "it's": `'); DROP TABLE x; --`, 'ü$"\\': '\u2028', 'n\u0000\u0001b': '\u0001a\u0000\u0001' };
    expect(await store.patch(record.id, { set: odd, expect: { "it's": null } })).toBe('ok');
    expect((await store.get(record.id))?.fields).toEqual(odd);
    expect(await store.patch(record.id, { unset: ["it's"], expect: odd })).toBe('ok');
    expect(Object.keys((await store.get(record.id))?.fields ?? {}).sort()).toEqual(['n\u0000\u0001b', 'ü$"\\']);
    expect(await store.patch(record.id, { set: { x: '1' }, expect: { 'n\u0000\u0001b': '\u0001a\u0000' } })).toBe(
      'conflict',
    );
  });
});

describe('postgres store: users, revocation, purge', () => {
  it('lists and destroys one user’s records, keeping the excepted ids', async () => {
    const store = await freshStore();
    const user = makeUserId();
    const mine = [makeRecord({ userId: user }), makeRecord({ userId: user }), makeRecord({ userId: user })];
    const other = makeRecord();
    for (const r of [...mine, other]) await store.create(r);
    const listed = await store.listByUser(user);
    expect(listed.map((r) => r.id).sort()).toEqual(mine.map((r) => r.id).sort());
    expect(await store.destroyByUser(user, [mine[0]!.id])).toBe(2);
    expect((await store.listByUser(user)).map((r) => r.id)).toEqual([mine[0]!.id]);
    expect(await store.get(other.id)).toEqual(other);
    expect(await store.destroyByUser(user)).toBe(1);
    expect(await store.listByUser(user)).toEqual([]);
  });

  it('revokeAll hides every earlier record everywhere, but not later ones', async () => {
    const store = await freshStore();
    const user = makeUserId();
    const before = makeRecord({ userId: user });
    await store.create(before);
    await store.revokeAll();
    const after = makeRecord({ userId: user });
    await store.create(after);
    expect(await store.get(before.id)).toBeNull();
    expect(await store.listByUser(user)).toEqual([after]);
    expect(await store.count()).toBe(1);
    const exported: StoredSession[] = [];
    for await (const r of store.exportRecords()) exported.push(r);
    expect(exported).toEqual([after]);
    expect(await store.destroyByUser(user)).toBe(1);
  });

  it('purges expired and revoked records in batches of at most `limit`', async () => {
    const store = await freshStore();
    const now = Date.now();
    const expired = Array.from({ length: 5 }, () => makeRecord({ expiresAt: now - 1 }));
    const dueNow = makeRecord({ expiresAt: now });
    const live = makeRecord({ expiresAt: now + 60_000 });
    for (const r of [...expired, dueNow, live]) await store.create(r);
    expect(await store.purgeExpired(now, 4)).toBe(4);
    expect(await store.purgeExpired(now, 4)).toBe(2);
    expect(await store.purgeExpired(now, 4)).toBe(0);
    expect(await store.get(live.id)).toEqual(live);
    await store.revokeAll();
    const fresh = makeRecord();
    await store.create(fresh);
    expect(await store.purgeExpired(now)).toBe(1);
    const { rows } = await pool.query(`SELECT id FROM "${schema}"."s${tableSeq}"`);
    expect(rows).toEqual([{ id: fresh.id }]);
  });
});

describe('postgres store: export and import', () => {
  it('exports every live record across pages and imports them into another table', async () => {
    const source = await freshStore({ batchSize: 7 });
    const records = Array.from({ length: 23 }, () => makeRecord());
    expect(await source.importRecords(records)).toBe(23);
    const exported: StoredSession[] = [];
    for await (const r of source.exportRecords()) exported.push(r);
    expect(exported).toHaveLength(23);
    expect(new Map(exported.map((r) => [r.id, r]))).toEqual(new Map(records.map((r) => [r.id, r])));

    const target = await freshStore({ batchSize: 5 });
    await target.create(makeRecord({ id: records[0]!.id, verifier: 'stale' }));
    await target.revokeAll();
    expect(await target.importRecords(source.exportRecords())).toBe(23);
    expect(await target.count()).toBe(23);
    for (const r of records) expect(await target.get(r.id)).toEqual(r);
  });

  it('lets the last copy of a duplicated id win within one batch', async () => {
    const store = await freshStore();
    const first = makeRecord();
    const second = makeRecord({ id: first.id });
    expect(await store.importRecords([first, second])).toBe(2);
    expect(await store.get(first.id)).toEqual(second);
  });

  it('imports nothing when one record is invalid', async () => {
    const store = await freshStore({ batchSize: 2 });
    const good = [makeRecord(), makeRecord(), makeRecord()];
    const bad = { ...makeRecord(), fields: { x: 1 } } as unknown as StoredSession;
    const failure = await store.importRecords([...good, bad]).catch((e: unknown) => e);
    expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
    expect((failure as Error).message).not.toContain(good[0]!.id);
    expect(await store.count()).toBe(0);
  });
});

describe('postgres store: migrations and options', () => {
  it('migrates idempotently and from two pools at once', async () => {
    const other = testPool({ max: 2 });
    const concurrentSchema = uniqueSchema('mig');
    try {
      const a = postgresStore({ pool, schema: concurrentSchema });
      const b = postgresStore({ pool: other, schema: concurrentSchema });
      const applied = await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
      expect(applied.flat()).toEqual([1, 2]);
      expect(await b.migrate()).toEqual([]);
      const record = makeRecord();
      expect(await a.create(record)).toBe(true);
      expect(await b.get(record.id)).toEqual(record);
      const { rows } = await pool.query(`SELECT version FROM "${concurrentSchema}".custos_sessions_migrations`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
    } finally {
      await dropSchema(pool, concurrentSchema);
      await other.end();
    }
  });

  it('rejects schema and table names that are not plain identifiers, and a missing pool', () => {
    for (const bad of ['Public', 'a"b', 'a;drop', '', '1abc', 'x'.repeat(49)]) {
      expect(() => postgresStore({ pool, schema: bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      expect(() => postgresStore({ pool, table: bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => postgresStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => postgresStore({ pool, batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('answers ping', async () => {
    const store = await freshStore();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

/** The same table seen through two pools, as two app instances would. */
async function twoInstances(): Promise<[PostgresStore, PostgresStore, string]> {
  const table = `s${++tableSeq}`;
  const a = postgresStore({ pool, schema, table });
  const b = postgresStore({ pool: otherPool, schema, table });
  await Promise.all([a.migrate(), b.migrate()]);
  return [a, b, table];
}

describe('postgres store: concurrency across two app instances', () => {
  it('100 parallel patches with distinct fields from two instances lose nothing', async () => {
    const [a, b] = await twoInstances();
    const record = makeRecord({ fields: {} });
    await a.create(record);
    const values = Array.from({ length: 100 }, () => makeSealedValue());
    const results = await Promise.all(
      values.map((value, i) => (i % 2 ? a : b).patch(record.id, { set: { [`f${i}`]: value }, lastSeenAt: i })),
    );
    expect(results.every((r) => r === 'ok')).toBe(true);
    const fields = (await b.get(record.id))?.fields ?? {};
    expect(Object.keys(fields)).toHaveLength(100);
    expect(values.map((_, i) => fields[`f${i}`])).toEqual(values);
  });

  it('50 compare-and-set increments with retry from two instances end at exactly 50', async () => {
    const [a, b] = await twoInstances();
    const record = makeRecord({ fields: {} });
    await a.create(record);
    let conflicts = 0;
    const increment = async (store: PostgresStore) => {
      for (;;) {
        const current = (await store.get(record.id))?.fields.n ?? null;
        const next = String(Number(current ?? '0') + 1);
        const result = await store.patch(record.id, { expect: { n: current }, set: { n: next } });
        if (result === 'ok') return;
        expect(result).toBe('conflict');
        conflicts++;
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => increment(i % 2 ? a : b)));
    expect((await a.get(record.id))?.fields.n).toBe('50');
    // With 50 racing writers some must have lost a round; otherwise this test proved nothing.
    expect(conflicts).toBeGreaterThan(0);
  });

  it('two instances purging 5,000 expired rows at once delete each row exactly once', async () => {
    const [a, b, table] = await twoInstances();
    const now = Date.now();
    const expired = Array.from({ length: 5_000 }, () => makeRecord({ expiresAt: now - 1_000, fields: {} }));
    const live = makeRecord();
    await a.importRecords([...expired, live]);
    const drain = async (store: PostgresStore) => {
      let total = 0;
      for (let n = await store.purgeExpired(now, 250); n > 0; n = await store.purgeExpired(now, 250)) total += n;
      return total;
    };
    const [byA, byB] = await Promise.all([drain(a), drain(b)]);
    expect(byA + byB).toBe(5_000);
    const { rows } = await pool.query(`SELECT id FROM "${schema}"."${table}"`);
    expect(rows).toEqual([{ id: live.id }]);
  });
});

describe('postgres store: what reaches the database', () => {
  it('a raw dump of the table holds exactly the sealed strings given and no other data', async () => {
    const store = await freshStore();
    const sealed = [makeSealedValue(), makeSealedValue(), makeSealedValue()];
    const record = makeRecord({ fields: { $csrf: sealed[0]!, cart: sealed[1]! } });
    await store.create(record);
    await store.patch(record.id, { set: { prefs: sealed[2]! }, lastSeenAt: record.lastSeenAt + 1 });
    const { rows } = await pool.query(`SELECT * FROM "${schema}"."s${tableSeq}"`);
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(
      [
        'absolute_expires_at',
        'authenticated_at',
        'created_at',
        'epoch',
        'expires_at',
        'fields',
        'id',
        'last_seen_at',
        'user_id',
        'verifier',
      ].sort(),
    );
    expect(row.fields).toEqual({ $csrf: sealed[0], cart: sealed[1], prefs: sealed[2] });
    expect([row.id, row.verifier, row.user_id]).toEqual([record.id, record.verifier, record.userId]);
    for (const column of ['created_at', 'last_seen_at', 'authenticated_at', 'absolute_expires_at', 'expires_at']) {
      expect(String(row[column])).toMatch(/^\d+$/);
    }
  });

  it('get, create and patch each cost exactly one statement', async () => {
    const counting = countingPool(pool);
    const store = postgresStore({ pool: counting, schema, table: `s${++tableSeq}` });
    await store.migrate();
    const record = makeRecord();
    const cost = async (work: () => Promise<unknown>) => {
      const before = counting.queries.length;
      await work();
      return counting.queries.length - before;
    };
    expect(await cost(() => store.create(record))).toBe(1);
    expect(await cost(() => store.get(record.id))).toBe(1);
    expect(await cost(() => store.patch(record.id, { set: { a: 'b' }, lastSeenAt: 1 }))).toBe(1);
    expect(await cost(async () => expect(await store.patch(record.id, { expect: { a: 'x' } })).toBe('conflict'))).toBe(
      1,
    );
    expect(await cost(async () => expect(await store.patch('nope', { set: { a: 'b' } })).toBe('missing'))).toBe(1);
    expect(await cost(() => store.revokeAll())).toBe(1);
    expect(await cost(() => store.get(record.id))).toBe(1);
  });
});
