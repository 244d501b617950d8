import type { TableNames } from './identifiers.js';

/**
 * Every statement the store runs, built once per store from its validated, quoted table names.
 * Values always travel as bind parameters of prepared statements; `LIMIT` takes an integer the
 * store has validated, spliced in because MySQL 8 refuses a double-typed LIMIT parameter.
 */
export interface StoreSql {
  readonly get: string;
  readonly insert: string;
  readonly deleteRevoked: string;
  readonly touch: string;
  readonly exists: string;
  readonly lockForPatch: string;
  readonly writePatch: string;
  readonly destroy: string;
  readonly listByUser: string;
  firstUserPage(limit: number): string;
  nextUserPage(limit: number): string;
  destroyLiveOfUser(except: number): string;
  readonly destroyRevokedOfUser: string;
  readonly revokeAll: string;
  readonly globalEpoch: string;
  expiredIds(limit: number): string;
  revokedIds(limit: number): string;
  deleteExpiredIds(ids: number): string;
  deleteRevokedIds(ids: number): string;
  exportPage(limit: number): string;
  importBatch(rows: number): string;
  readonly count: string;
}

const COLUMNS =
  'id, verifier, user_id, created_at, last_seen_at, authenticated_at, absolute_expires_at, expires_at, fields';

const INSERT_COLUMNS = `(${COLUMNS}, epoch)`;

export function buildSql(t: TableNames): StoreSql {
  // A row is live while its epoch is at least the global one; revokeAll() only bumps the latter.
  // Inside a locking read this sub-query stays a plain consistent read: it does not lock the
  // epoch row, so patches of different sessions never queue behind one another.
  const globalEpoch = `(SELECT epoch FROM ${t.epoch})`;
  const live = `epoch >= ${globalEpoch}`;
  const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;
  return {
    get: `SELECT ${COLUMNS} FROM ${t.sessions} WHERE id = ? AND ${live}`,

    // A duplicate id fails with ER_DUP_ENTRY, which the store turns into `false` (or, for a row
    // revoked by epoch, into deleteRevoked + one more insert).
    insert: `INSERT INTO ${t.sessions} ${INSERT_COLUMNS} SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, epoch FROM ${t.epoch}`,
    deleteRevoked: `DELETE FROM ${t.sessions} WHERE id = ? AND epoch < ${globalEpoch}`,

    // A patch that only moves the timestamps (the renewal on most requests) is one UPDATE.
    touch: `UPDATE ${t.sessions} SET last_seen_at = COALESCE(?, last_seen_at),
      expires_at = COALESCE(?, expires_at) WHERE id = ? AND ${live}`,
    exists: `SELECT 1 AS one FROM ${t.sessions} WHERE id = ? AND ${live}`,

    // The row lock is held until COMMIT: a concurrent patch or destroy of the same id waits, so
    // the compare-and-set checked in between cannot be invalidated before our write lands.
    lockForPatch: `SELECT fields FROM ${t.sessions} WHERE id = ? AND ${live} FOR UPDATE`,
    writePatch: `UPDATE ${t.sessions} SET fields = ?, last_seen_at = COALESCE(?, last_seen_at),
      expires_at = COALESCE(?, expires_at) WHERE id = ?`,

    destroy: `DELETE FROM ${t.sessions} WHERE id = ?`,

    listByUser: `SELECT ${COLUMNS} FROM ${t.sessions} WHERE user_id = ? AND ${live} ORDER BY created_at, id`,

    // Keyset paging over the (user_id, created_at, id) index: newest sign-in first, ties by id
    // (byte order: ids are VARBINARY). Binds: user, then the cursor's sign-in time twice and id.
    firstUserPage: (limit) =>
      `SELECT ${COLUMNS} FROM ${t.sessions} WHERE user_id = ? AND ${live}
      ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
    nextUserPage: (limit) =>
      `SELECT ${COLUMNS} FROM ${t.sessions}
      WHERE user_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) AND ${live}
      ORDER BY created_at DESC, id DESC LIMIT ${limit}`,

    // Only live rows count as removed sessions; revoked rows of the user are garbage removed next.
    destroyLiveOfUser: (except) =>
      `DELETE FROM ${t.sessions} WHERE user_id = ? AND ${live}${except > 0 ? ` AND id NOT IN ${placeholders(except)}` : ''}`,
    destroyRevokedOfUser: `DELETE FROM ${t.sessions} WHERE user_id = ? AND epoch < ${globalEpoch}`,

    revokeAll: `UPDATE ${t.epoch} SET epoch = epoch + 1`,
    globalEpoch: `SELECT epoch FROM ${t.epoch}`,

    // Purging picks a batch of ids with a plain (non-locking) read on its own index, then deletes
    // them by primary key, re-checking the condition. A DELETE ... ORDER BY ... LIMIT instead locks
    // secondary-index and primary-key entries in scan order, and two instances purging at once
    // deadlocked on it (ER_LOCK_DEADLOCK, MariaDB 10.11). Deleting by an id list locks in key
    // order, so concurrent purgers only wait; InnoDB skips a row another statement deleted
    // meanwhile, so every row is deleted (and counted) exactly once.
    expiredIds: (limit) => `SELECT id FROM ${t.sessions} WHERE expires_at <= ? ORDER BY expires_at LIMIT ${limit}`,
    revokedIds: (limit) => `SELECT id FROM ${t.sessions} WHERE epoch < ${globalEpoch} LIMIT ${limit}`,
    deleteExpiredIds: (ids) => `DELETE FROM ${t.sessions} WHERE expires_at <= ? AND id IN ${placeholders(ids)}`,
    deleteRevokedIds: (ids) => `DELETE FROM ${t.sessions} WHERE epoch < ${globalEpoch} AND id IN ${placeholders(ids)}`,

    // Keyset pagination on the primary key: each page is a range scan, whatever the table size.
    exportPage: (limit) => `SELECT ${COLUMNS} FROM ${t.sessions} WHERE id > ? AND ${live} ORDER BY id LIMIT ${limit}`,

    // Imported rows take the epoch read in the same transaction: live even after a revokeAll().
    importBatch: (rows) =>
      `INSERT INTO ${t.sessions} ${INSERT_COLUMNS} VALUES ${Array.from({ length: rows }, () => placeholders(10)).join(', ')}
      ON DUPLICATE KEY UPDATE verifier = VALUES(verifier), user_id = VALUES(user_id),
        created_at = VALUES(created_at), last_seen_at = VALUES(last_seen_at),
        authenticated_at = VALUES(authenticated_at), absolute_expires_at = VALUES(absolute_expires_at),
        expires_at = VALUES(expires_at), fields = VALUES(fields), epoch = VALUES(epoch)`,

    count: `SELECT COUNT(*) AS n FROM ${t.sessions} WHERE ${live}`,
  };
}
