import type BetterSqlite3 from 'better-sqlite3';
import { CustosError } from '../../errors.js';
import type { PatchResult, SessionPatch, SessionStore, StoredSession, UserPage } from '../contract.js';
import { isStoredSession } from '../contract.js';
import { keysetPage, parseCursor } from '../page-cursor.js';
import { patchConflicts } from '../patch.js';
import { openDatabase } from './open.js';
import { decodeFields, mergeParams, rowParams, rowToRecord, type SessionRow } from './row.js';
import { migrateSchema, type SqliteTables } from './schema.js';
import { prepareStatements, type SqliteStatements } from './statements.js';

export { SCHEMA_VERSION } from './schema.js';

export interface SqliteStoreOptions {
  /**
   * Database file to open (created if missing) with WAL and a busy timeout. Needs the optional
   * peer dependency `better-sqlite3`. Give `path` or `database`, not both.
   * @example '.data/sessions.db'
   */
  path?: string;
  /**
   * An open better-sqlite3 database to use instead of `path`. Its pragmas are left as you set them
   * (turn on `journal_mode = WAL` and a busy timeout when several processes share the file), and
   * `close()` leaves it open.
   */
  database?: BetterSqlite3.Database;
  /** Prefix of the two tables (`<prefix>sessions`, `<prefix>meta`). @default 'custos_' */
  tablePrefix?: string;
  /** How long a writer waits for another process's write lock, in ms (only with `path`). @default 5000 */
  busyTimeout?: number;
}

const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;
/** Rows deleted per statement in purgeExpired: short write locks let other processes interleave. */
const PURGE_CHUNK = 1000;
/** Rows read per query in exportRecords; no cursor stays open across an `await`. */
const EXPORT_PAGE = 500;
/** Records written per transaction in importRecords. */
const IMPORT_BATCH = 500;

/**
 * A session store in one SQLite file: the embedded default. One row per session with the sealed
 * fields in a JSON text column; every write is one statement or one `BEGIN IMMEDIATE` transaction,
 * so several stores (in one process or many) can share the file.
 *
 * @example
 * ```ts
 * import { createSessions } from 'custos';
 * import { SqliteStore } from 'custos/stores/sqlite';
 *
 * const store = new SqliteStore({ path: '.data/sessions.db', tablePrefix: 'auth_' });
 * const manager = createSessions({ secrets: [process.env.SESSION_SECRET!], store });
 * ```
 */
export class SqliteStore implements SessionStore {
  readonly kind = 'sqlite';
  /** The database in use (opened by the store from `path`, or the one passed in). */
  readonly database: BetterSqlite3.Database;
  private readonly ownsDatabase: boolean;
  private readonly statements: SqliteStatements;
  private readonly patchTransaction: (id: string, patch: SessionPatch) => PatchResult;
  private readonly destroyByUserTransaction: (userId: string, except: readonly string[]) => number;
  private readonly importTransaction: (records: readonly StoredSession[]) => void;

  constructor(options: SqliteStoreOptions) {
    const prefix = options.tablePrefix ?? 'custos_';
    if (!TABLE_PREFIX.test(prefix)) {
      throw new CustosError('INVALID_OPTION', 'sqliteStore tablePrefix must match /^[A-Za-z_][A-Za-z0-9_]{0,40}$/');
    }
    if ((options.path === undefined) === (options.database === undefined)) {
      throw new CustosError('INVALID_OPTION', 'sqliteStore needs exactly one of `path` or `database`');
    }
    const tables: SqliteTables = { sessions: `${prefix}sessions`, meta: `${prefix}meta` };
    this.ownsDatabase = options.database === undefined;
    this.database = options.database ?? openDatabase(options.path!, options.busyTimeout ?? 5000);
    try {
      migrateSchema(this.database, tables);
      this.statements = prepareStatements(this.database, tables);
    } catch (error) {
      if (this.ownsDatabase) this.database.close();
      throw error;
    }
    const st = this.statements;
    const db = this.database;

    const patchTx = db.transaction((id: string, patch: SessionPatch): PatchResult => {
      const row = st.liveFields.get(id) as { fields: string } | undefined;
      // Never an upsert: a destroyed or revoked record stays gone (contract: destroy beats patch).
      if (!row) return 'missing';
      if (patchConflicts(decodeFields(row.fields), patch)) return 'conflict';
      st.mergeFields.run(mergeParams(id, patch));
      return 'ok';
    });
    // IMMEDIATE takes the write lock before the read, so two processes cannot both read the old
    // fields and then one fail to upgrade its lock (SQLITE_BUSY) or lose the other's write.
    this.patchTransaction = (id, patch) => patchTx.immediate(id, patch);

    const destroyByUserTx = db.transaction((userId: string, except: readonly string[]): number => {
      const removed = st.destroyLiveByUser.run({ user_id: userId, except: JSON.stringify(except) }).changes;
      st.destroyRevokedByUser.run(userId);
      return removed;
    });
    this.destroyByUserTransaction = (userId, except) => destroyByUserTx.immediate(userId, except);

    const importTx = db.transaction((records: readonly StoredSession[]) => {
      for (const record of records) st.upsert.run(rowParams(record));
    });
    this.importTransaction = (records) => importTx.immediate(records);
  }

  async create(record: StoredSession): Promise<boolean> {
    return this.statements.create.run(rowParams(record)).changes === 1;
  }

  async get(id: string): Promise<StoredSession | null> {
    const row = this.statements.get.get(id) as SessionRow | undefined;
    return row ? rowToRecord(row) : null;
  }

  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    // Compare-and-set needs the current fields first (a transaction); a plain patch is one UPDATE.
    if (patch.expect && Object.keys(patch.expect).length > 0) return this.patchTransaction(id, patch);
    const { changes } = this.statements.mergeFields.run(mergeParams(id, patch));
    // Never an upsert: a destroyed or revoked record stays gone (contract: destroy beats patch).
    return changes === 1 ? 'ok' : 'missing';
  }

  async destroy(id: string): Promise<void> {
    this.statements.destroy.run(id);
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    return (this.statements.listByUser.all(userId) as SessionRow[]).map(rowToRecord);
  }

  /** One page of a user's sessions from the page index: `limit` rows read, whatever the total. */
  async listByUserPage(
    userId: string,
    page: { readonly limit: number; readonly after: string | null },
  ): Promise<UserPage> {
    const params = { user_id: userId, limit: page.limit + 1 };
    const rows = (
      page.after === null
        ? this.statements.firstUserPage.all(params)
        : this.statements.nextUserPage.all({ ...params, ...parseCursor(page.after) })
    ) as SessionRow[];
    return keysetPage(rows, page.limit, rowToRecord);
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    return this.destroyByUserTransaction(userId, except);
  }

  async revokeAll(): Promise<void> {
    this.statements.revokeAll.run();
  }

  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    let removed = 0;
    while (removed < limit) {
      const chunk = Math.min(PURGE_CHUNK, limit - removed);
      const deleted = this.statements.purgeExpired.run({ now, limit: chunk }).changes;
      removed += deleted;
      if (deleted < chunk) break;
    }
    return removed;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    let after = '';
    for (;;) {
      const rows = this.statements.exportPage.all({ after, limit: EXPORT_PAGE }) as SessionRow[];
      for (const row of rows) yield rowToRecord(row);
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Upserts records in transactions of 500. Each record's shape is checked first; a malformed one
   * throws `INVALID_RECORD` (naming only its position) and its batch is not written.
   */
  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    let batch: StoredSession[] = [];
    let written = 0;
    for await (const record of records) {
      if (!isStoredSession(record)) {
        throw new CustosError('INVALID_RECORD', `importRecords: record #${written + batch.length + 1} is malformed`);
      }
      batch.push(record);
      if (batch.length === IMPORT_BATCH) {
        this.importTransaction(batch);
        written += batch.length;
        batch = [];
      }
    }
    this.importTransaction(batch);
    return written + batch.length;
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async count(): Promise<number> {
    return (this.statements.count.get() as { n: number }).n;
  }

  /**
   * Writes a consistent copy of the database to `file` while the store stays in use (SQLite's
   * online backup API). The copy opens with `sqliteStore({ path: file })`.
   */
  async backupTo(file: string): Promise<void> {
    await this.database.backup(file);
  }

  async close(): Promise<void> {
    if (this.ownsDatabase && this.database.open) this.database.close();
  }
}

/**
 * Creates a {@link SqliteStore}: from a file `path` (opened with WAL and a busy timeout), or an open better-sqlite3 `database`.
 *
 * @example
 * ```ts
 * import { sqliteStore } from 'custos/stores/sqlite';
 *
 * const store = sqliteStore({ path: '.data/sessions.db' });
 * ```
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { sqliteStore } from 'custos/stores/sqlite';
 *
 * const store = sqliteStore({ database: new Database('app.db'), tablePrefix: 'auth_' });
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}
