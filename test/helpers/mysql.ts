import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The MariaDB every machine runs for tests (root, empty password, loopback only). */
export const TEST_MYSQL_URL = process.env.CUSTOS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/**
 * A small pool (test files run in parallel on a 2-core machine). The URL is split into fields so
 * outage tests can override host and port.
 */
export function testPool(config: mysql.PoolOptions = {}): mysql.Pool {
  return mysql.createPool({ ...mysqlConnection(TEST_MYSQL_URL), connectionLimit: 4, connectTimeout: 5_000, ...config });
}

export function mysqlConnection(href: string): mysql.PoolOptions {
  const url = new URL(href);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1) || 'test',
  };
}

/** A table name no other test file (or run) uses: lowercase so it is a plain identifier. */
export function uniqueTable(label: string): string {
  return `custos_t_${label}_${randomBytes(5).toString('hex')}`;
}

/** Drops the three tables a store with this `table` option owns. */
export async function dropTables(pool: mysql.Pool, table: string): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\`, \`${table}_epoch\`, \`${table}_migrations\``);
}
