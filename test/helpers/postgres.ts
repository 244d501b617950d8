import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PgPoolLike } from '../../src/stores/postgres/index.js';

/** The PostgreSQL every machine runs for tests (trust auth, loopback only). */
export const TEST_PG_URL = process.env.CUSTOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A small pool (test files run in parallel on a 2-core machine). The URL is split into fields
 * because pg lets a `connectionString` override `host`/`port`, and outage tests override those.
 */
export function testPool(config: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({ ...pgConnection(TEST_PG_URL), max: 4, connectionTimeoutMillis: 5_000, ...config });
}

/** Host, port, user and database of a `postgres://` URL, as separate pool settings (see above). */
export function pgConnection(href: string): pg.PoolConfig {
  const url = new URL(href);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    database: url.pathname.slice(1) || 'test',
  };
}

/** A schema name no other test file (or run) uses: lowercase so it is a plain identifier. */
export function uniqueSchema(label: string): string {
  return `custos_t_${label}_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Wraps a pool so a test can count the statements (round trips) a store operation costs. */
export function countingPool(pool: pg.Pool): PgPoolLike & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    query: (text: string, values?: unknown[]) => {
      queries.push(text);
      return pool.query(text, values);
    },
    connect: () => pool.connect(),
  };
}

/** Kills every backend opened under `applicationName`, as an operator or a failover would: the pids that died. */
export async function terminateBackends(admin: pg.Pool, applicationName: string): Promise<Set<number>> {
  const { rows } = await admin.query(
    'SELECT pid, pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return new Set(rows.filter((r) => r.killed === true).map((r) => r.pid as number));
}
