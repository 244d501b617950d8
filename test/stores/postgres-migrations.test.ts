import { describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';
import { freshStore, pool } from './postgres-fixture.js';

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
