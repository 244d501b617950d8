import { describe, expect, it } from 'vitest';
import { type PostgresStore, postgresStore } from '../../src/stores/postgres/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { nextTable, otherPool, pool, schema } from './postgres-fixture.js';

/** The same table seen through two pools, as two app instances would. */
async function twoInstances(): Promise<[PostgresStore, PostgresStore, string]> {
  const table = nextTable();
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
