import pg from 'pg';

/** A pool on the machine's PostgreSQL, counting every statement sent (one statement = one round trip). */
export function countingPgPool(): { pool: pg.Pool; queries: () => number } {
  let count = 0;
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  const url = new URL(process.env.CUSTOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const pool = new pg.Pool({
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    database: url.pathname.slice(1) || 'test',
    max: 10,
  });
  return { pool, queries: () => count };
}
