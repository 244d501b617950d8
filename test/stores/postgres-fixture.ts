import { afterAll, beforeAll } from 'vitest';
import { type PostgresStore, postgresStore } from '../../src/stores/postgres/index.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';

/**
 * Shared by the test/stores/postgres-*.test.ts files: a pool, a second pool standing for a
 * second app instance, and one schema per file, dropped before and after it.
 */
export const pool = testPool();
/** A second pool stands for a second app instance sharing the database. */
export const otherPool = testPool({ max: 4 });
export const schema = uniqueSchema('pg');
/** The number of the table `nextTable` made last (`s${tableSeq}`). */
export let tableSeq = 0;

/** A new table name in `schema`: `s1`, `s2`, … (`c…` for the conformance suite). */
export function nextTable(kind = 's'): string {
  return `${kind}${++tableSeq}`;
}

/** Each test gets its own table (same schema) so revokeAll/purge in one test cannot touch another. */
export async function freshStore(options: { batchSize?: number } = {}): Promise<PostgresStore> {
  const store = postgresStore({ pool, schema, table: nextTable(), ...options });
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
