import type BetterSqlite3 from 'better-sqlite3';

/** Table names derived from the prefix, validated once so they can be spliced into SQL safely. */
export interface SqliteTables {
  readonly sessions: string;
  readonly meta: string;
}

/**
 * Ordered schema migrations. Index `i` moves the schema from version `i` to `i + 1`; never edit a
 * shipped step, append a new one.
 */
const migrations: ReadonlyArray<(t: SqliteTables) => string> = [
  (t) => `
    CREATE TABLE ${t.sessions} (
      id                  TEXT    PRIMARY KEY NOT NULL,
      verifier            TEXT    NOT NULL,
      user_id             TEXT,
      created_at          INTEGER NOT NULL,
      last_seen_at        INTEGER NOT NULL,
      authenticated_at    INTEGER,
      absolute_expires_at INTEGER NOT NULL,
      expires_at          INTEGER NOT NULL,
      epoch               INTEGER NOT NULL,
      fields              TEXT    NOT NULL
    );
    CREATE INDEX ${t.sessions}_user_id ON ${t.sessions} (user_id) WHERE user_id IS NOT NULL;
    CREATE INDEX ${t.sessions}_expires_at ON ${t.sessions} (expires_at);
    INSERT INTO ${t.meta} (key, value) VALUES ('epoch', 0);
  `,
  // A devices page reads one page of a user's sessions in index order (newest sign-in first):
  // its cost is the page size, not the user's total.
  (t) => `
    CREATE INDEX ${t.sessions}_user_page ON ${t.sessions} (user_id, created_at DESC, id DESC)
      WHERE user_id IS NOT NULL;
  `,
];

/**
 * The schema version this code writes (in `<prefix>meta`, key `schema_version`); opening a newer file is refused.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { SCHEMA_VERSION } from 'custos/stores/sqlite';
 *
 * const db = new Database('sessions.db', { readonly: true });
 * const row = db.prepare("SELECT value FROM custos_meta WHERE key = 'schema_version'").get() as { value: number };
 * console.log(`file at ${row.value}, this custos writes ${SCHEMA_VERSION}`);
 * ```
 */
export const SCHEMA_VERSION = migrations.length;

/**
 * Brings the tables up to {@link SCHEMA_VERSION}. Safe to run from several processes at once: the
 * check and the steps run in one `BEGIN IMMEDIATE` transaction, so the second opener waits
 * (busy timeout) and then finds nothing to do.
 */
export function migrateSchema(db: BetterSqlite3.Database, tables: SqliteTables): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${tables.meta} (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)`);
    const row = db.prepare(`SELECT value FROM ${tables.meta} WHERE key = 'schema_version'`).get() as
      | { value: number }
      | undefined;
    const current = row?.value ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `custos sqlite schema is at version ${current}, newer than this custos (${SCHEMA_VERSION}): upgrade custos`,
      );
    }
    for (let version = current; version < SCHEMA_VERSION; version++) db.exec(migrations[version]!(tables));
    db.prepare(`INSERT OR REPLACE INTO ${tables.meta} (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
  }).immediate();
}
