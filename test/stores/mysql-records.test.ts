import { describe, expect, it } from 'vitest';
import { isCustosError } from '../../src/errors.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { freshStore, pool, prefix, tableSeq } from './mysql-fixture.js';

describe('mysql store: records', () => {
  it('refuses to create over a live id, even an expired one, and lets a revoked id be reused', async () => {
    const store = await freshStore();
    const record = makeRecord({ expiresAt: 1 });
    expect(await store.create(record)).toBe(true);
    expect(await store.create({ ...record, verifier: 'other' })).toBe(false);
    expect((await store.get(record.id))?.verifier).toBe(record.verifier);
    await store.revokeAll();
    const replacement = makeRecord({ id: record.id });
    expect(await store.create(replacement)).toBe(true);
    expect(await store.get(record.id)).toEqual(replacement);
  });

  it('compares handles byte for byte: no case folding, no trailing-space padding', async () => {
    const store = await freshStore();
    const record = makeRecord({ id: 'AbC', userId: 'Alice' });
    await store.create(record);
    expect(await store.get('abc')).toBeNull();
    expect(await store.get('AbC ')).toBeNull();
    expect(await store.create(makeRecord({ id: 'abc' }))).toBe(true);
    expect(await store.create(makeRecord({ id: 'AbC ' }))).toBe(true);
    expect(await store.listByUser('alice')).toEqual([]);
    expect(await store.listByUser('Alice')).toEqual([record]);
  });

  it('keeps a 512-character user id of 3-byte characters, and refuses a longer one as bad input, not an outage', async () => {
    const store = await freshStore();
    const longest = makeRecord({ userId: '€'.repeat(512) });
    expect(await store.create(longest)).toBe(true);
    expect(await store.listByUser(longest.userId!)).toEqual([longest]);
    for (const bad of [
      makeRecord({ userId: 'u'.repeat(513) }),
      makeRecord({ id: 'i'.repeat(129) }),
      makeRecord({ userId: 'lone \ud800 surrogate' }),
    ]) {
      const failure = await store.create(bad).catch((e: unknown) => e);
      expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
      expect((failure as Error).message).not.toContain(bad.id);
    }
    expect(await store.count()).toBe(1);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('a duplicate-key failure never carries the handle in an error', async () => {
    const store = await freshStore();
    const record = makeRecord();
    await store.create(record);
    const failure = await store.importRecords([record, { ...record, fields: { x: 1 } } as never]).catch((e) => e);
    expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
    expect(JSON.stringify(failure) + String(failure) + String(failure.cause)).not.toContain(record.id);
  });
});

describe('mysql store: what reaches the database', () => {
  it('a raw dump of the table holds exactly the sealed strings given and no other data', async () => {
    const store = await freshStore();
    const sealed = [makeSealedValue(), makeSealedValue(), makeSealedValue()];
    const record = makeRecord({ fields: { $csrf: sealed[0]!, cart: sealed[1]! } });
    await store.create(record);
    await store.patch(record.id, { set: { prefs: sealed[2]! }, lastSeenAt: record.lastSeenAt + 1 });
    const [rows] = await pool.query(`SELECT * FROM \`${prefix}_s${tableSeq}\``);
    const row = (rows as Record<string, unknown>[])[0]!;
    expect(Object.keys(row).sort()).toEqual(
      'absolute_expires_at authenticated_at created_at epoch expires_at fields id last_seen_at user_id verifier'.split(
        ' ',
      ),
    );
    expect(JSON.parse(String(row.fields))).toEqual({ $csrf: sealed[0], cart: sealed[1], prefs: sealed[2] });
    expect([row.id, row.verifier, row.user_id].map(String)).toEqual([record.id, record.verifier, record.userId]);
  });
});
