import { CustosError } from '../../errors.js';
import type { PatchResult, SessionPatch, SessionStore, StoredSession, UserPage } from '../contract.js';
import { keysetPage, parseCursor } from '../page-cursor.js';
import { applyPatch, patchConflicts } from '../patch.js';
import { retryingDeadlocks } from './deadlock.js';
import { guarded, storeError } from './errors.js';
import { assertTable, type TableNames, tableNames } from './identifiers.js';
import { migrate } from './migrate.js';
import { affectedRows, type MysqlPoolLike, rowsOf, type SqlValue } from './pool.js';
import { fieldsJson, idText, parseFields, recordValues, rowToSession } from './rows.js';
import { buildSql, type StoreSql } from './sql.js';
import { padToPowerOfTwo, powerOfTwoAtLeast, powerOfTwoRuns } from './statement-shapes.js';
import { inTransaction } from './transaction.js';

export { LATEST_SCHEMA_VERSION } from './migrate.js';
export type { MysqlConnectionLike, MysqlPoolLike, MysqlQueryable, SqlValue } from './pool.js';

export interface MysqlStoreOptions {
  /**
   * A mysql2 pool: a promise pool (`mysql2/promise` `createPool`) or a callback pool (`mysql2`
   * `createPool`, used through its `.promise()` wrapper). The store never ends it.
   */
  pool: MysqlPoolLike | { promise(): MysqlPoolLike };
  /**
   * Session table in the pool's database; `<table>_epoch` and `<table>_migrations` sit beside it.
   * @default 'custos_sessions'
   */
  table?: string;
  /** Rows per page in `exportRecords()` and per INSERT in `importRecords()`. @default 500 */
  batchSize?: number;
}

const ER_DUP_ENTRY = 1062;
/** Ids per DELETE: well under the 65,535 placeholders a prepared statement may have. */
const MAX_IDS_PER_DELETE = 1024;
/** Rounds a purge call re-reads when concurrent purgers keep taking its candidates first. */
const MAX_PURGE_ROUNDS = 10;

function isDuplicate(error: unknown): boolean {
  return (error as { errno?: unknown } | null)?.errno === ER_DUP_ENTRY;
}

function onlyMovesTimestamps(patch: SessionPatch): boolean {
  const none = (o: object | undefined) => o === undefined || Object.keys(o).length === 0;
  return none(patch.set) && none(patch.expect) && (patch.unset?.length ?? 0) === 0;
}

function assertLimit(limit: number, method = 'purgeExpired'): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CustosError('INVALID_OPTION', `mysqlStore: ${method} \`limit\` must be a positive integer`);
  }
  return limit;
}

/**
 * Sessions in MySQL 8 or MariaDB 10.3+: one InnoDB row per session, sealed fields as
 * one JSON text, a global epoch row for `revokeAll()`. Run `await store.migrate()` once at
 * start-up (idempotent, safe from every instance at once).
 *
 * @example
 * import mysql from 'mysql2/promise';
 * const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectTimeout: 2000 });
 * const store = mysqlStore({ pool });
 * await store.migrate();
 */
export class MysqlStore implements SessionStore {
  readonly kind = 'mysql';
  private readonly pool: MysqlPoolLike;
  private readonly names: TableNames;
  private readonly sql: StoreSql;
  private readonly batchSize: number;

  constructor(options: MysqlStoreOptions) {
    // A callback pool's execute() returns a Query object, not a promise: awaiting it would read
    // garbage silently, so it is used through the promise wrapper mysql2 gives every pool.
    const given = options?.pool;
    const pool = given && 'promise' in given && typeof given.promise === 'function' ? given.promise() : given;
    if (
      !pool ||
      !('execute' in pool) ||
      typeof pool.execute !== 'function' ||
      typeof pool.getConnection !== 'function'
    ) {
      throw new CustosError(
        'INVALID_OPTION',
        'mysqlStore: `pool` must be a mysql2 pool (createPool from mysql2 or mysql2/promise)',
      );
    }
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5_000) {
      throw new CustosError('INVALID_OPTION', 'mysqlStore: `batchSize` must be an integer from 1 to 5000');
    }
    this.pool = pool;
    this.batchSize = batchSize;
    this.names = tableNames(assertTable(options.table ?? 'custos_sessions'));
    this.sql = buildSql(this.names);
  }

  /** Creates or upgrades the tables. Returns the schema versions it applied (empty when current). */
  migrate(): Promise<number[]> {
    return migrate(this.pool, this.names);
  }

  /** The same as `migrate()`, under the name other session libraries use. */
  ensureSchema(): Promise<number[]> {
    return this.migrate();
  }

  async create(record: StoredSession): Promise<boolean> {
    const values = [...recordValues(record, 'the record'), fieldsJson(record.fields)];
    if (await this.tryInsert(values)) return true;
    // The id is taken. A row revoked by epoch reads as absent everywhere, so its id is free: remove
    // it and insert once more. A live row (expired or not: expiry is the core's call) is kept.
    const freed = affectedRows(await this.run(this.sql.deleteRevoked, [record.id]));
    return freed > 0 && this.tryInsert(values);
  }

  /** One statement outside a transaction (autocommit), retried when chosen as a deadlock victim. */
  private run(sql: string, values?: SqlValue[]): Promise<[unknown, unknown]> {
    return guarded(retryingDeadlocks(() => this.pool.execute(sql, values)));
  }

  private async tryInsert(values: SqlValue[]): Promise<boolean> {
    try {
      await retryingDeadlocks(() => this.pool.execute(this.sql.insert, values));
      return true;
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw storeError(error);
    }
  }

  async get(id: string): Promise<StoredSession | null> {
    const rows = rowsOf(await this.run(this.sql.get, [id]));
    return rows[0] ? rowToSession(rows[0]) : null;
  }

  /**
   * SELECT ... FOR UPDATE, compare, UPDATE, COMMIT: the row lock makes the compare-and-set exact
   * under concurrency, and an UPDATE never inserts, so a destroyed record stays destroyed.
   */
  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    if (onlyMovesTimestamps(patch)) {
      const values = [patch.lastSeenAt ?? null, patch.expiresAt ?? null, id];
      if (affectedRows(await this.run(this.sql.touch, values)) > 0) return 'ok';
      // 0 rows: absent or revoked, or (a pool without mysql2's default FOUND_ROWS flag counts
      // changed rows, not matched ones) present with the same timestamps already.
      return rowsOf(await this.run(this.sql.exists, [id])).length > 0 ? 'ok' : 'missing';
    }
    // Re-runnable as a whole (it reads before it writes), so a deadlock victim runs again.
    return inTransaction(this.pool, { retryDeadlocks: true }, async (connection) => {
      const rows = rowsOf(await connection.execute(this.sql.lockForPatch, [id]));
      if (!rows[0]) return 'missing';
      const fields = parseFields(rows[0].fields);
      if (patchConflicts(fields, patch)) return 'conflict';
      // applyPatch reads only `fields` here; the metadata moves in SQL (COALESCE below).
      const next = applyPatch({ fields } as StoredSession, patch).fields;
      await connection.execute(this.sql.writePatch, [
        fieldsJson(next),
        patch.lastSeenAt ?? null,
        patch.expiresAt ?? null,
        id,
      ]);
      return 'ok';
    });
  }

  async destroy(id: string): Promise<void> {
    await this.run(this.sql.destroy, [id]);
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    return rowsOf(await this.run(this.sql.listByUser, [userId])).map(rowToSession);
  }

  /** One page of a user's sessions from the page index: `limit` rows read, whatever the total. */
  async listByUserPage(
    userId: string,
    page: { readonly limit: number; readonly after: string | null },
  ): Promise<UserPage> {
    assertLimit(page.limit, 'listByUserPage');
    // One more row than the page tells whether another page follows; rounded up to a power of
    // two so the LIMIT spliced into the statement takes a handful of shapes (statement-shapes.ts).
    const fetch = powerOfTwoAtLeast(page.limit + 1);
    const cursor = page.after === null ? null : parseCursor(page.after);
    const rows = rowsOf(
      cursor
        ? await this.run(this.sql.nextUserPage(fetch), [userId, cursor.key, cursor.key, cursor.id])
        : await this.run(this.sql.firstUserPage(fetch), [userId]),
    );
    return keysetPage(rows, page.limit, rowToSession);
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    const keep = padToPowerOfTwo(except);
    const removed = affectedRows(await this.run(this.sql.destroyLiveOfUser(keep.length), [userId, ...keep]));
    await this.run(this.sql.destroyRevokedOfUser, [userId]);
    return removed;
  }

  async revokeAll(): Promise<void> {
    await this.run(this.sql.revokeAll);
  }

  /** Expired rows first (by expires_at), then epoch-revoked ones fill what is left of the batch. */
  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    assertLimit(limit);
    const expired = await this.purgeBatch(this.sql.expiredIds(limit), (n) => this.sql.deleteExpiredIds(n), [now]);
    if (expired >= limit) return expired;
    const revoked = await this.purgeBatch(
      this.sql.revokedIds(limit - expired),
      (n) => this.sql.deleteRevokedIds(n),
      [],
    );
    return expired + revoked;
  }

  /**
   * Reads candidate ids, then deletes them by key (see sql.ts). When another instance took every
   * candidate first, it reads again: 0 must mean "nothing left", or a purge loop would stop early.
   */
  private async purgeBatch(select: string, remove: (ids: number) => string, params: SqlValue[]): Promise<number> {
    for (let attempt = 0; attempt < MAX_PURGE_ROUNDS; attempt++) {
      const rows = rowsOf(await this.run(select, params));
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => idText(row.id));
      let removed = 0;
      for (const run of powerOfTwoRuns(ids, MAX_IDS_PER_DELETE)) {
        removed += affectedRows(await this.run(remove(run.length), [...params, ...run]));
      }
      if (removed > 0) return removed;
    }
    return 0;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    let after = '';
    for (;;) {
      const rows = rowsOf(await this.run(this.sql.exportPage(this.batchSize), [after]));
      for (const row of rows) yield rowToSession(row);
      if (rows.length < this.batchSize) return;
      after = rowToSession(rows[rows.length - 1]!).id;
    }
  }

  /** Upserts every record in one transaction: an invalid record or a failure imports nothing. */
  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    // Not retried: the records may be a one-pass async iterable, already consumed.
    return inTransaction(this.pool, { retryDeadlocks: false }, async (connection) => {
      const epoch = Number(rowsOf(await connection.execute(this.sql.globalEpoch))[0]?.epoch ?? 0);
      let imported = 0;
      // Keyed by id so the last copy of a duplicated id wins, as one upsert per record would.
      let batch = new Map<string, SqlValue[]>();
      const flush = async () => {
        for (const run of powerOfTwoRuns([...batch.values()])) {
          await connection.execute(this.sql.importBatch(run.length), run.flat());
        }
        batch = new Map();
      };
      for await (const record of records) {
        const values = recordValues(record, `import record #${imported + 1}`);
        batch.set(record.id, [...values, fieldsJson(record.fields), epoch]);
        imported++;
        if (batch.size >= this.batchSize) await flush();
      }
      await flush();
      return imported;
    });
  }

  async ping(): Promise<void> {
    await guarded(this.pool.query('SELECT 1'));
  }

  async count(): Promise<number> {
    return Number(rowsOf(await this.run(this.sql.count))[0]?.n ?? 0);
  }

  /** Nothing to release: the pool belongs to the application, which ends it. */
  async close(): Promise<void> {}
}

/**
 * Creates a {@link MysqlStore} over your mysql2 pool; run `await store.migrate()` once at start-up.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { mysqlStore } from 'custos/stores/mysql';
 *
 * const store = mysqlStore({ pool: mysql.createPool({ uri: process.env.DATABASE_URL }) });
 * await store.migrate();
 * ```
 */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  return new MysqlStore(options);
}
