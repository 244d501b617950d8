import { createPool as createCallbackPool } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { mysqlStore } from '../../src/stores/mysql/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { mysqlConnection, TEST_MYSQL_URL, uniqueTable } from '../helpers/mysql.js';
import { made, otherPool, pool } from './mysql-fixture.js';

describe('mysql store: migrations and options', () => {
  it('migrates idempotently and from two pools at once', async () => {
    const table = uniqueTable('mig');
    made.push(table);
    const a = mysqlStore({ pool, table });
    const b = mysqlStore({ pool: otherPool, table });
    const applied = await Promise.all([a.migrate(), b.migrate(), a.ensureSchema()]);
    expect(applied.flat()).toEqual([1, 2]);
    expect(await b.migrate()).toEqual([]);
    const record = makeRecord();
    expect(await a.create(record)).toBe(true);
    expect(await b.get(record.id)).toEqual(record);
  });

  it('works through a callback pool (mysql2 createPool) as through a promise pool', async () => {
    const table = uniqueTable('cb');
    made.push(table);
    const callbackPool = createCallbackPool({ ...mysqlConnection(TEST_MYSQL_URL), connectionLimit: 2 });
    try {
      const store = mysqlStore({ pool: callbackPool, table });
      expect(await store.migrate()).toEqual([1, 2]);
      const record = makeRecord();
      expect(await store.create(record)).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.patch(record.id, { set: { a: 'b' }, expect: { a: null } })).toBe('ok');
      expect(await mysqlStore({ pool, table }).get(record.id)).toEqual({
        ...record,
        fields: { ...record.fields, a: 'b' },
      });
    } finally {
      await new Promise((resolve) => callbackPool.end(resolve));
    }
  });

  it('rejects table names that are not plain identifiers, a missing pool and a bad batch size', () => {
    for (const bad of ['Sessions', 'a`b', 'a;drop', '', '1abc', 'x'.repeat(49)]) {
      expect(() => mysqlStore({ pool, table: bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => mysqlStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => mysqlStore({ pool, batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
