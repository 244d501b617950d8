import { CustosError } from '../../errors.js';
import type { PatchResult, SessionPatch, SessionStore, StoredSession, UserPage } from '../contract.js';
import { isStoredSession } from '../contract.js';
import { keysetPage, parseCursor } from '../page-cursor.js';
import { assertIdentifier, type TableNames, tableNames } from './identifiers.js';
import { classifyInputErrors } from './input-errors.js';
import { migrate } from './migrate.js';
import type { PgPoolLike } from './pool.js';
import { watchPoolErrors } from './pool-errors.js';
import { createParams, patchParams, rowToSession, sessionToImportRow } from './rows.js';
import { buildSql, type StoreSql } from './sql.js';
import { inTransaction } from './transaction.js';

export { LATEST_SCHEMA_VERSION } from './migrate.js';
export type { PgClientLike, PgPoolLike, PgQueryable, PgQueryResult } from './pool.js';

export interface PostgresStoreOptions {
  /** A node-postgres `Pool` (or anything with the same `query`/`connect`). The store never ends it. */
  pool: PgPoolLike;
  /** Schema holding the tables; created by `migrate()` if missing. @default 'public' */
  schema?: string;
  /** Session table name; `<table>_epoch` and `<table>_migrations` sit beside it. @default 'custos_sessions' */
  table?: string;
  /**
   * pg's Pool emits 'error' when an idle connection dies (server restart, `pg_terminate_backend`),
   * and an 'error' event nobody listens to crashes Node. The store therefore listens on the pool
   * (pg has already discarded the dead client; the next query opens a fresh one). Pass a function
   * to log these errors yourself; the store never logs. Set `false` only if you attach your own
   * `pool.on('error', ...)` listener. @default a listener that ignores the error
   */
  onPoolError?: ((error: Error) => void) | false;
  /** Rows per page in `exportRecords()` and per INSERT in `importRecords()`. @default 500 */
  batchSize?: number;
}

/**
 * Sessions in PostgreSQL: one row per session, sealed fields in a `jsonb` column, every write a
 * single statement. Run `await store.migrate()` once at start-up (it is idempotent and safe to run
 * from every instance at once).
 *
 * @example
 * import pg from 'pg';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 });
 * const store = postgresStore({ pool });
 * await store.migrate();
 */
export class PostgresStore implements SessionStore {
  readonly kind = 'postgres';
  private readonly pool: PgPoolLike;
  private readonly names: TableNames;
  private readonly sql: StoreSql;
  private readonly batchSize: number;
  private unwatchPoolErrors: (() => void) | undefined;

  constructor(options: PostgresStoreOptions) {
    const pool = options?.pool;
    if (!pool || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
      throw new CustosError('INVALID_OPTION', 'postgresStore: `pool` must be a pg Pool (with query() and connect())');
    }
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new CustosError('INVALID_OPTION', 'postgresStore: `batchSize` must be an integer from 1 to 10000');
    }
    this.pool = classifyInputErrors(pool);
    this.batchSize = batchSize;
    this.names = tableNames(
      assertIdentifier('schema', options.schema ?? 'public'),
      assertIdentifier('table', options.table ?? 'custos_sessions'),
    );
    this.sql = buildSql(this.names);
    if (options.onPoolError !== false) {
      const report = options.onPoolError;
      this.unwatchPoolErrors = watchPoolErrors(pool, (error) => report?.(error));
    }
  }

  /** Creates or upgrades the tables. Returns the schema versions it applied (empty when current). */
  migrate(): Promise<number[]> {
    return migrate(this.pool, this.names);
  }

  async create(record: StoredSession): Promise<boolean> {
    const result = await this.pool.query(this.sql.create, createParams(record));
    return result.rowCount === 1;
  }

  async get(id: string): Promise<StoredSession | null> {
    const { rows } = await this.pool.query(this.sql.get, [id]);
    return rows[0] ? rowToSession(rows[0]) : null;
  }

  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const { rows } = await this.pool.query(this.sql.patch, patchParams(id, patch));
    const outcome = rows[0] ?? {};
    if (Number(outcome.updated) === 1) return 'ok';
    return Number(outcome.live) === 1 ? 'conflict' : 'missing';
  }

  async destroy(id: string): Promise<void> {
    await this.pool.query(this.sql.destroy, [id]);
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    const { rows } = await this.pool.query(this.sql.listByUser, [userId]);
    return rows.map(rowToSession);
  }

  /** One page of a user's sessions from the page index: `limit` rows read, whatever the total. */
  async listByUserPage(
    userId: string,
    page: { readonly limit: number; readonly after: string | null },
  ): Promise<UserPage> {
    const cursor = page.after === null ? null : parseCursor(page.after);
    const { rows } = cursor
      ? await this.pool.query(this.sql.nextUserPage, [userId, page.limit + 1, cursor.key, cursor.id])
      : await this.pool.query(this.sql.firstUserPage, [userId, page.limit + 1]);
    return keysetPage(rows, page.limit, rowToSession);
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    const { rows } = await this.pool.query(this.sql.destroyByUser, [userId, [...except]]);
    return Number(rows[0]?.removed ?? 0);
  }

  async revokeAll(): Promise<void> {
    await this.pool.query(this.sql.revokeAll);
  }

  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    const result = await this.pool.query(this.sql.purgeExpired, [now, limit]);
    return result.rowCount ?? 0;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query(this.sql.exportPage, [after, this.batchSize]);
      for (const row of rows) yield rowToSession(row);
      if (rows.length < this.batchSize) return;
      after = String(rows[rows.length - 1]!.id);
    }
  }

  /** Upserts every record in one transaction: an invalid record or a failure imports nothing. */
  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      let imported = 0;
      // Keyed by id: one INSERT ... ON CONFLICT cannot touch a row twice, and the last copy wins
      // exactly as it would with one upsert per record.
      let batch = new Map<string, StoredSession>();
      const flush = async () => {
        if (batch.size === 0) return;
        await client.query(this.sql.importBatch, [JSON.stringify([...batch.values()].map(sessionToImportRow))]);
        batch = new Map();
      };
      for await (const record of records) {
        if (!isStoredSession(record)) {
          throw new CustosError(
            'INVALID_RECORD',
            `postgresStore: import record #${imported + 1} is not a session record`,
          );
        }
        batch.set(record.id, record);
        imported++;
        if (batch.size >= this.batchSize) await flush();
      }
      await flush();
      return imported;
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query(this.sql.count);
    return Number(rows[0]?.count ?? 0);
  }

  /** Detaches from the pool. The pool belongs to the application, which ends it. */
  async close(): Promise<void> {
    this.unwatchPoolErrors?.();
    this.unwatchPoolErrors = undefined;
  }
}

/**
 * Creates a {@link PostgresStore} over your node-postgres pool; run `await store.migrate()` once at start-up.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { postgresStore } from 'custos/stores/postgres';
 *
 * const store = postgresStore({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await store.migrate();
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}
