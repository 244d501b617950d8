import type { Pool } from 'mysql2/promise';
import { CustosError, isCustosError } from '../errors.js';
import { loadPeer, type OpenedStore, type StoreUrlOptions, unreachable, withDeadline } from './opened-store.js';

type Mysql2Module = { default: typeof import('mysql2/promise') };

interface MysqlTarget {
  /** The URL mysql2 parses (other query parameters, e.g. `ssl`, pass through as pool options). */
  readonly uri: string;
  readonly where: string;
  readonly table: string | undefined;
}

/** `table` is ours, not a mysql2 option: take it out. A URL without a database cannot hold tables. */
function parseTarget(url: string): MysqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CustosError('INVALID_OPTION', 'mysql:// store URL could not be parsed');
  }
  const table = parsed.searchParams.get('table') ?? undefined;
  parsed.searchParams.delete('table');
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!database) {
    throw new CustosError('INVALID_OPTION', 'mysql:// store URL needs a database, e.g. mysql://user@host:3306/app');
  }
  // mysql2 copies every URL part over the pool options, an absent port as NaN: spell it out.
  if (!parsed.port) parsed.port = '3306';
  parsed.protocol = 'mysql:';
  const where = `mysql ${parsed.hostname}:${parsed.port}/${database}${table ? ` (table ${table})` : ''}`;
  return { uri: parsed.toString(), where, table };
}

export async function openMysql(url: string, options: StoreUrlOptions): Promise<OpenedStore> {
  const target = parseTarget(url);
  const mysql = (await loadPeer<Mysql2Module>('mysql2/promise', 'mysql://')).default;
  const timeout = options.connectTimeout ?? 3_000;
  const pool: Pool = mysql.createPool({ uri: target.uri, connectionLimit: 4, connectTimeout: timeout });
  const { mysqlStore } = await import('./mysql/index.js');
  let store: ReturnType<typeof mysqlStore>;
  try {
    store = mysqlStore({ pool, table: target.table });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const closeAll = async () => {
    await store.close();
    await pool.end();
  };
  try {
    await withDeadline(store.ping(), timeout, target.where);
    if (options.migrate !== false) await store.migrate();
  } catch (error) {
    await closeAll().catch(() => undefined);
    if (isCustosError(error) && !isCustosError(error, 'STORE_UNAVAILABLE')) throw error;
    throw unreachable(target.where, error);
  }
  return {
    store,
    description: target.where,
    serverTime: async () => {
      const [rows] = await pool.query('SELECT UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS ms');
      return Number((rows as { ms: unknown }[])[0]?.ms);
    },
    close: closeAll,
  };
}
