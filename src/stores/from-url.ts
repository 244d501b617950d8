import { existsSync } from 'node:fs';
import { CustosError } from '../errors.js';
import type { SessionStore } from './contract.js';

/** A store opened from a URL, plus the client it created (which the store itself never closes). */
export interface OpenedStore {
  readonly store: SessionStore;
  /** Where the store lives, without credentials, e.g. `redis 127.0.0.1:6379 (prefix custos:)`. */
  readonly description: string;
  /** The backend's own clock in epoch ms, for stores running on another machine. */
  serverTime?(): Promise<number>;
  /** Closes the store and the client opened for it. */
  close(): Promise<void>;
}

export interface StoreUrlOptions {
  /** `sqlite:` only: create the database file when it does not exist. @default true */
  create?: boolean;
  /** `postgres://` and `mysql://` only: run the idempotent `migrate()` after connecting. @default true */
  migrate?: boolean;
  /** How long to wait for Redis/PostgreSQL/MySQL to answer the first time, in ms. @default 3000 */
  connectTimeout?: number;
}

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

/** `STORE_UNAVAILABLE` naming the place and the driver's reason (which carries no password). */
export function unreachable(description: string, cause: unknown): CustosError {
  const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new CustosError('STORE_UNAVAILABLE', `cannot reach ${description}: ${reason || 'no answer'}`, { cause });
}

/** The URL with any password replaced, safe for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** Loads an optional peer dependency, or says which package to install. */
export async function loadPeer<T>(name: string, scheme: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    throw new CustosError('INVALID_OPTION', `${scheme} store URLs need the ${name} package: npm install ${name}`, {
      cause,
    });
  }
}

/** Rejects with `STORE_UNAVAILABLE` when `work` takes longer than `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unreachable(description, new Error(`no answer within ${ms} ms`))), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
