import pg from 'pg';
import { pgConnection, TEST_PG_URL } from '../../test/helpers/postgres.js';

/** A pool on the machine's PostgreSQL, counting every statement sent (one statement = one round trip). */
export function countingPgPool(): { pool: pg.Pool; queries: () => number } {
  let count = 0;
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  const pool = new pg.Pool({ ...pgConnection(TEST_PG_URL), max: 10 });
  return { pool, queries: () => count };
}
