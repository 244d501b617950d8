import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteTables } from './schema.js';

const COLUMNS =
  'id, verifier, user_id, created_at, last_seen_at, authenticated_at, absolute_expires_at, expires_at, fields';

type StatementName =
  | 'create'
  | 'upsert'
  | 'get'
  | 'liveFields'
  | 'mergeFields'
  | 'destroy'
  | 'listByUser'
  | 'firstUserPage'
  | 'nextUserPage'
  | 'destroyLiveByUser'
  | 'destroyRevokedByUser'
  | 'revokeAll'
  | 'purgeExpired'
  | 'exportPage'
  | 'count'
  | 'ping';

export type SqliteStatements = Readonly<Record<StatementName, BetterSqlite3.Statement>>;

/** Every statement the store runs, prepared once per store. */
export function prepareStatements(
  db: BetterSqlite3.Database,
  { sessions: s, meta: m }: SqliteTables,
): SqliteStatements {
  // Revocation without a scan (checklist TRM-06): a row is live only while its epoch is
  // the current one, read inside each statement so other processes' revokeAll is seen at once.
  const epoch = `(SELECT value FROM ${m} WHERE key = 'epoch')`;
  const live = `epoch >= ${epoch}`;
  const insert = `
    INSERT INTO ${s} (${COLUMNS}, epoch)
    VALUES (@id, @verifier, @user_id, @created_at, @last_seen_at, @authenticated_at, @absolute_expires_at,
            @expires_at, @fields, ${epoch})
    ON CONFLICT (id) DO UPDATE SET
      verifier = excluded.verifier, user_id = excluded.user_id, created_at = excluded.created_at,
      last_seen_at = excluded.last_seen_at, authenticated_at = excluded.authenticated_at,
      absolute_expires_at = excluded.absolute_expires_at, expires_at = excluded.expires_at,
      fields = excluded.fields, epoch = excluded.epoch`;
  return {
    /** Inserts, or takes over a row left behind by revokeAll; a live row is never replaced. */
    create: db.prepare(`${insert} WHERE ${s}.epoch < excluded.epoch`),
    /** Inserts or replaces (import). */
    upsert: db.prepare(insert),
    get: db.prepare(`SELECT ${COLUMNS} FROM ${s} WHERE id = ? AND ${live}`),
    liveFields: db.prepare(`SELECT fields FROM ${s} WHERE id = ? AND ${live}`),
    /**
     * Every patch's write: `json_patch` (RFC 7396) sets the named fields and removes those given
     * as null, only on a live row. Alone it is a whole plain patch (one statement, issue 7); a
     * compare-and-set patch runs it after reading the fields in its transaction.
     */
    mergeFields: db.prepare(`
      UPDATE ${s} SET fields = json_patch(fields, @merge), last_seen_at = coalesce(@last_seen_at, last_seen_at),
                      expires_at = coalesce(@expires_at, expires_at)
      WHERE id = @id AND ${live}`),
    destroy: db.prepare(`DELETE FROM ${s} WHERE id = ?`),
    listByUser: db.prepare(`SELECT ${COLUMNS} FROM ${s} WHERE user_id = ? AND ${live}`),
    // Keyset paging over the (user_id, created_at, id) index: newest sign-in first, ties by id.
    firstUserPage: db.prepare(`
      SELECT ${COLUMNS} FROM ${s} WHERE user_id = @user_id AND ${live}
      ORDER BY created_at DESC, id DESC LIMIT @limit`),
    nextUserPage: db.prepare(`
      SELECT ${COLUMNS} FROM ${s} WHERE user_id = @user_id AND (created_at, id) < (@key, @id) AND ${live}
      ORDER BY created_at DESC, id DESC LIMIT @limit`),
    destroyLiveByUser: db.prepare(`
      DELETE FROM ${s}
      WHERE user_id = @user_id AND ${live} AND id NOT IN (SELECT value FROM json_each(@except))`),
    destroyRevokedByUser: db.prepare(`DELETE FROM ${s} WHERE user_id = ? AND epoch < ${epoch}`),
    revokeAll: db.prepare(`UPDATE ${m} SET value = value + 1 WHERE key = 'epoch'`),
    purgeExpired: db.prepare(`
      DELETE FROM ${s} WHERE rowid IN (SELECT rowid FROM ${s} WHERE expires_at <= @now LIMIT @limit)`),
    exportPage: db.prepare(`SELECT ${COLUMNS} FROM ${s} WHERE id > @after AND ${live} ORDER BY id LIMIT @limit`),
    count: db.prepare(`SELECT count(*) AS n FROM ${s} WHERE ${live}`),
    ping: db.prepare('SELECT 1 AS ok'),
  };
}
