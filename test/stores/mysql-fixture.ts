import { afterAll } from 'vitest';
import { type MysqlStore, mysqlStore } from '../../src/stores/mysql/index.js';
import { dropTables, testPool, uniqueTable } from '../helpers/mysql.js';

/**
 * Shared by the test/stores/mysql-*.test.ts files: a pool, a second pool standing for a second
 * app instance, and per-test tables that are dropped after the file.
 */
export const pool = testPool({ connectionLimit: 6 });
/** A second pool stands for a second app instance sharing the database. */
export const otherPool = testPool();
export const prefix = uniqueTable('my');
/** The number of the table `nextTable` made last (`${prefix}_s${tableSeq}`). */
export let tableSeq = 0;
export const made: string[] = [];

/** A new table name under this file's prefix, dropped after the file unless `kind` is `c`. */
export function nextTable(kind = 's'): string {
  const table = `${prefix}_${kind}${++tableSeq}`;
  if (kind !== 'c') made.push(table);
  return table;
}

/** Each test gets its own tables so revokeAll/purge in one test cannot touch another. */
export async function freshStore(options: { batchSize?: number } = {}): Promise<MysqlStore> {
  const table = nextTable();
  const store = mysqlStore({ pool, table, ...options });
  await store.migrate();
  return store;
}

afterAll(async () => {
  for (const table of made) await dropTables(pool, table);
  await Promise.all([pool.end(), otherPool.end()]);
});
