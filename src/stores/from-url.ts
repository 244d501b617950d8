import { existsSync } from 'node:fs';
import { CustosError } from '../errors.js';
import { type OpenedStore, redactUrl, type StoreUrlOptions, unreachable } from './opened-store.js';

export { type OpenedStore, redactUrl, type StoreUrlOptions } from './opened-store.js';

/**
 * Opens a store from the same URLs as the demo's `CUSTOS_STORE`:
 *
 * | URL                                   | store                                              |
 * |---------------------------------------|----------------------------------------------------|
 * | `memory:`                             | `memoryStore()` (this process only)                |
 * | `sqlite:<path>`                       | `sqliteStore({ path })`                            |
 * | `redis://[:pw@]host:port/db?prefix=p` | `redisStore({ client: new Redis(url), prefix })`   |
 * | `redis-cluster://h:p,h:p?prefix=p`    | `redisStore({ client: new Cluster(nodes), prefix })`|
 * | `postgres://user@host/db?schema=s`    | `postgresStore({ pool, schema })` + `migrate()`    |
 * | `mysql://user@host:3306/db?table=t`   | `mysqlStore({ pool, table })` + `migrate()` (also `mariadb://`) |
 *
 * Database clients are loaded with `import()` only for the URL that needs them, so nothing here
 * adds a runtime dependency. A backend that does not answer throws `STORE_UNAVAILABLE`; a URL
 * that cannot be understood throws `INVALID_OPTION`. Messages never contain a password.
 *
 * @example
 * const { store, close } = await storeFromUrl(process.env.CUSTOS_STORE ?? 'sqlite:.data/sessions.db');
 */
export async function storeFromUrl(url: string, options: StoreUrlOptions = {}): Promise<OpenedStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url ?? '')?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      return openMemory();
    case 'sqlite':
      return openSqlite(url.slice('sqlite:'.length), options);
    case 'redis':
    case 'rediss':
      return (await import('./from-url-redis.js')).openRedis(url, options);
    case 'redis-cluster':
      return (await import('./from-url-redis.js')).openRedisCluster(url, options);
    case 'postgres':
    case 'postgresql':
      return (await import('./from-url-postgres.js')).openPostgres(url, options);
    case 'mysql':
    case 'mariadb':
      return (await import('./from-url-mysql.js')).openMysql(url, options);
    default:
      throw new CustosError(
        'INVALID_OPTION',
        `unknown store URL ${JSON.stringify(redactUrl(url ?? ''))}: use memory:, sqlite:<path>, redis://host:port, redis-cluster://h:p,h:p, postgres://user@host/db or mysql://user@host/db`,
      );
  }
}

async function openMemory(): Promise<OpenedStore> {
  const { memoryStore } = await import('./memory/index.js');
  const store = memoryStore();
  return { store, description: 'memory (this process only)', close: () => store.close() };
}

async function openSqlite(rawPath: string, options: StoreUrlOptions): Promise<OpenedStore> {
  // `sqlite:///abs/file.db` and `sqlite:relative/file.db` both work.
  const path = rawPath.startsWith('//') ? rawPath.slice(2) : rawPath;
  if (path.length === 0)
    throw new CustosError('INVALID_OPTION', 'sqlite: store URL needs a file path, e.g. sqlite:.data/sessions.db');
  if (options.create === false && !existsSync(path)) {
    throw new CustosError('STORE_UNAVAILABLE', `cannot reach sqlite ${path}: no such database file`);
  }
  const { sqliteStore } = await import('./sqlite/index.js');
  try {
    const store = sqliteStore({ path });
    return { store, description: `sqlite ${path}`, close: () => store.close() };
  } catch (cause) {
    if (cause instanceof CustosError) throw cause;
    throw unreachable(`sqlite ${path}`, cause);
  }
}
