import type { Pool } from 'pg';
import { CustosError } from '../errors.js';
import { loadPeer, type OpenedStore, type StoreUrlOptions, unreachable, withDeadline } from './opened-store.js';

type PgModule = { default: typeof import('pg') };

/** `schema` and `table` are ours, not libpq parameters: take them out of the connection string. */
function splitTableOptions(url: string): { connectionString: string; schema?: string; table?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  const table = parsed.searchParams.get('table') ?? undefined;
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('table');
  return { connectionString: parsed.toString(), schema, table };
}

export async function openPostgres(url: string, options: StoreUrlOptions): Promise<OpenedStore> {
  let parts: ReturnType<typeof splitTableOptions>;
  try {
    parts = splitTableOptions(url);
  } catch {
    throw new CustosError('INVALID_OPTION', 'postgres:// store URL could not be parsed');
  }
  const pg = (await loadPeer<PgModule>('pg', 'postgres://')).default;
  const parsed = new URL(parts.connectionString);
  const where = `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}${parts.schema ? ` (schema ${parts.schema})` : ''}`;
  const timeout = options.connectTimeout ?? 3_000;
  const pool: Pool = new pg.Pool({
    connectionString: parts.connectionString,
    max: 4,
    connectionTimeoutMillis: timeout,
  });
  const { postgresStore } = await import('./postgres/index.js');
  const store = postgresStore({ pool, schema: parts.schema, table: parts.table });
  const closeAll = async () => {
    await store.close();
    await pool.end();
  };
  try {
    await withDeadline(pool.query('SELECT 1'), timeout, where);
    if (options.migrate !== false) await store.migrate();
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error instanceof CustosError ? error : unreachable(where, error);
  }
  return {
    store,
    description: where,
    serverTime: async () => {
      const { rows } = await pool.query('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms');
      return Number(rows[0]?.ms);
    },
    close: closeAll,
  };
}
