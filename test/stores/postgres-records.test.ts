import { describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { countingPool } from '../helpers/postgres.js';
import { freshStore, nextTable, pool, schema, tableSeq } from './postgres-fixture.js';

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
    const store = postgresStore({ pool: counting, schema, table: nextTable() });
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
