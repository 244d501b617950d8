import { CustosError } from '../../errors.js';
import { storeError } from './errors.js';
import type { TableNames } from './identifiers.js';
import { type MysqlConnectionLike, type MysqlPoolLike, rowsOf } from './pool.js';

/**
 * Schema migrations, in order. Version n is `MIGRATIONS[n - 1]`; a released migration is never
 * edited, only followed by a new one, so every database converges to the same schema.
 */
// Each step is written to be re-runnable (IF NOT EXISTS), because DDL cannot be rolled back: a
// migration cut off half-way by a lost connection simply runs again on the next start.
const MIGRATIONS: readonly ((t: TableNames) => string[])[] = [
  (t) => [
    // Times are epoch milliseconds as BIGINT (the contract's numbers). Fields hold sealed strings
    // only, so a dump of this table holds no plaintext session data. VARBINARY keys compare byte
    // for byte (see rows.ts); user ids are at most 512 UTF-16 units, i.e. at most 1,536 UTF-8 bytes.
    `CREATE TABLE IF NOT EXISTS ${t.sessions} (
      id VARBINARY(512) NOT NULL PRIMARY KEY,
      verifier VARBINARY(512) NOT NULL,
      user_id VARBINARY(2048) NULL,
      created_at BIGINT NOT NULL,
      last_seen_at BIGINT NOT NULL,
      authenticated_at BIGINT NULL,
      absolute_expires_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      epoch BIGINT NOT NULL,
      fields LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      KEY \`${t.table}_user_id_idx\` (user_id),
      KEY \`${t.table}_expires_at_idx\` (expires_at),
      KEY \`${t.table}_epoch_idx\` (epoch)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    // One row: the global epoch revokeAll() bumps. A session row is live while its epoch >= this one.
    `CREATE TABLE IF NOT EXISTS ${t.epoch} (
      singleton TINYINT NOT NULL PRIMARY KEY,
      epoch BIGINT NOT NULL
    ) ENGINE=InnoDB`,
    `INSERT INTO ${t.epoch} (singleton, epoch) VALUES (1, 0) ON DUPLICATE KEY UPDATE epoch = epoch`,
  ],
  // A devices page reads one page of a user's sessions in index order (newest sign-in first,
  // scanned backwards): its cost is the page size, not the user's total. MySQL 8 has no
  // CREATE INDEX IF NOT EXISTS; a rerun finds the key and moves on (see DUPLICATE_KEY_NAME).
  (t) => [`ALTER TABLE ${t.sessions} ADD KEY \`${t.table}_user_page_idx\` (user_id, created_at, id)`],
];

/** ER_DUP_KEYNAME: the index a step adds is already there (the step ran before it was recorded). */
const DUPLICATE_KEY_NAME = 1061;

/**
 * The schema version `store.migrate()` brings the tables to (recorded in `<table>_migrations`).
 *
 * @example
 * ```ts
 * import { LATEST_SCHEMA_VERSION } from 'custos/stores/mysql';
 *
 * const applied = await store.migrate(); // the versions applied now, [] when already current
 * console.log(`schema at version ${LATEST_SCHEMA_VERSION}, applied: ${applied.join(', ') || 'none'}`);
 * ```
 */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** Lock names are at most 64 characters: a digest of database and table fits any pair. */
const LOCK_NAME = "CONCAT('custos:', LEFT(SHA2(CONCAT(DATABASE(), '.', ?), 256), 40))";

/** Seconds a second instance waits for the first one's migration before giving up. */
const LOCK_WAIT_SECONDS = 30;

/**
 * Brings the schema to the latest version; safe to call on every start from every instance.
 * DDL commits implicitly in MySQL, so a transaction cannot serialise concurrent callers; a named
 * lock (GET_LOCK, held by this connection) does: the second caller waits, then sees the versions
 * the first recorded and has nothing left to do. Returns the versions it applied.
 */
export async function migrate(pool: MysqlPoolLike, t: TableNames): Promise<number[]> {
  let connection: MysqlConnectionLike;
  try {
    connection = await pool.getConnection();
  } catch (error) {
    throw storeError(error);
  }
  let locked = false;
  try {
    const got = rowsOf(await connection.query(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS got`, [t.table, LOCK_WAIT_SECONDS]));
    if (Number(got[0]?.got) !== 1) {
      throw new CustosError('STORE_UNAVAILABLE', 'mysqlStore: another instance is still migrating the session tables');
    }
    locked = true;
    await connection.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version INT NOT NULL PRIMARY KEY,
        applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
      ) ENGINE=InnoDB`,
    );
    const rows = rowsOf(await connection.query(`SELECT COALESCE(MAX(version), 0) AS version FROM ${t.migrations}`));
    const current = Number(rows[0]?.version ?? 0);
    const applied: number[] = [];
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      for (const statement of MIGRATIONS[version - 1]!(t)) {
        await connection.query(statement).catch((error: { errno?: unknown }) => {
          if (error?.errno !== DUPLICATE_KEY_NAME) throw error;
        });
      }
      await connection.query(`INSERT INTO ${t.migrations} (version) VALUES (?)`, [version]);
      applied.push(version);
    }
    return applied;
  } catch (error) {
    throw storeError(error);
  } finally {
    const released = locked
      ? await connection.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`, [t.table]).then(
          () => true,
          () => false,
        )
      : true;
    // A connection whose lock could not be released must not go back to the pool holding it.
    if (released) connection.release();
    else connection.destroy();
  }
}
