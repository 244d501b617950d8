import type { TableNames } from './identifiers.js';

/**
 * Every statement the store runs, built once per store from its (validated, quoted) table names.
 * Values always travel as bind parameters; the texts are constant so pg can plan them once.
 */
export interface StoreSql {
  readonly get: string;
  readonly create: string;
  readonly patch: string;
  readonly destroy: string;
  readonly listByUser: string;
  readonly firstUserPage: string;
  readonly nextUserPage: string;
  readonly destroyByUser: string;
  readonly revokeAll: string;
  readonly purgeExpired: string;
  readonly exportPage: string;
  readonly importBatch: string;
  readonly count: string;
}

/** Columns read back, in the shape `rowToSession` expects. `fields::text` keeps us independent of
 * whatever jsonb type parser the application installed on pg. */
const COLUMNS =
  'id, verifier, user_id, created_at, last_seen_at, authenticated_at, absolute_expires_at, expires_at, fields::text AS fields';

const REPLACE_ALL = `verifier = EXCLUDED.verifier, user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at,
  last_seen_at = EXCLUDED.last_seen_at, authenticated_at = EXCLUDED.authenticated_at,
  absolute_expires_at = EXCLUDED.absolute_expires_at, expires_at = EXCLUDED.expires_at,
  epoch = EXCLUDED.epoch, fields = EXCLUDED.fields`;

export function buildSql(t: TableNames): StoreSql {
  // A row is live while its epoch is at least the global one; revokeAll() only bumps the latter.
  const globalEpoch = `(SELECT epoch FROM ${t.epoch})`;
  const live = `epoch >= ${globalEpoch}`;
  return {
    get: `SELECT ${COLUMNS} FROM ${t.sessions} WHERE id = $1 AND ${live}`,

    // A row revoked by epoch reads as absent everywhere, so its id is free: the upsert replaces it.
    // A live row (expired or not: judging expiry is the core's job) is kept and we report false.
    create: `INSERT INTO ${t.sessions} AS cur
      (id, verifier, user_id, created_at, last_seen_at, authenticated_at, absolute_expires_at, expires_at, epoch, fields)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${globalEpoch}, $9::jsonb)
      ON CONFLICT (id) DO UPDATE SET ${REPLACE_ALL}
      WHERE cur.epoch < EXCLUDED.epoch
      RETURNING 1`,

    // One statement: the UPDATE checks liveness and every compare-and-set expectation in its WHERE
    // clause, and PostgreSQL re-checks that clause against the newest row version when a concurrent
    // writer got there first, so nothing is lost between a read and a write. The expectations are
    // plain operators on the row ($6 = {name: value} the fields must contain, $7 = names that must
    // be absent), not a correlated sub-query over jsonb_each_text: with that form, 50 racing
    // compare-and-set increments lost about half their writes (PostgreSQL 15). An UPDATE never inserts, so a destroyed
    // row stays destroyed. When nothing was updated, the `live` CTE (same row, statement snapshot)
    // tells 'missing' from 'conflict' in the same round trip; a row destroyed concurrently after the
    // snapshot reads as 'conflict' (nothing written either way; the caller's retry sees 'missing').
    // $2 unset names, $3 set object, $4 lastSeenAt, $5 expiresAt.
    patch: `WITH live AS (
        SELECT 1 FROM ${t.sessions} WHERE id = $1 AND ${live}
      ), updated AS (
        UPDATE ${t.sessions} AS s
        SET fields = (s.fields - $2::text[]) || $3::jsonb,
            last_seen_at = coalesce($4::bigint, s.last_seen_at),
            expires_at = coalesce($5::bigint, s.expires_at)
        WHERE s.id = $1 AND s.epoch >= ${globalEpoch}
          AND s.fields @> $6::jsonb
          AND NOT (s.fields ?| $7::text[])
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM updated)::int AS updated, (SELECT count(*) FROM live)::int AS live`,

    destroy: `DELETE FROM ${t.sessions} WHERE id = $1`,

    listByUser: `SELECT ${COLUMNS} FROM ${t.sessions} WHERE user_id = $1 AND ${live} ORDER BY created_at, id`,

    // Keyset paging over the (user_id, created_at, id) index: newest sign-in first, ties by id.
    // $2 = rows to read; $3, $4 = the cursor's sign-in time and id.
    firstUserPage: `SELECT ${COLUMNS} FROM ${t.sessions} WHERE user_id = $1 AND ${live}
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    nextUserPage: `SELECT ${COLUMNS} FROM ${t.sessions}
      WHERE user_id = $1 AND (created_at, id) < ($3::bigint, $4::text) AND ${live}
      ORDER BY created_at DESC, id DESC LIMIT $2`,

    // Revoked rows are deleted too (they are garbage) but only live ones count as removed sessions.
    destroyByUser: `WITH removed AS (
        DELETE FROM ${t.sessions} WHERE user_id = $1 AND NOT (id = ANY($2::text[])) RETURNING epoch
      )
      SELECT count(*)::int AS removed FROM removed WHERE ${live}`,

    revokeAll: `UPDATE ${t.epoch} SET epoch = epoch + 1`,

    // SKIP LOCKED: a second instance purging at the same time takes other rows instead of waiting
    // for (and then re-deleting) ours, so the two never do the same work twice. Expired and
    // epoch-revoked rows are picked by two separate index scans (one OR would defeat both indexes
    // and scan the whole table whenever little is left to purge); revoked rows fill what remains
    // of the batch. `id = ANY(ARRAY(...))` keeps the delete itself on the primary key whatever the
    // planner guesses about the batch size.
    purgeExpired: `WITH expired AS (
        SELECT id FROM ${t.sessions} WHERE expires_at <= $1
        ORDER BY expires_at LIMIT $2
        FOR UPDATE SKIP LOCKED
      ), revoked AS (
        SELECT id FROM ${t.sessions} WHERE epoch < ${globalEpoch}
        LIMIT greatest($2 - (SELECT count(*) FROM expired), 0)
        FOR UPDATE SKIP LOCKED
      ), doomed AS (
        SELECT id FROM expired UNION SELECT id FROM revoked
      )
      DELETE FROM ${t.sessions} WHERE id = ANY (ARRAY(SELECT id FROM doomed))`,

    // Keyset pagination: each page is an index range scan, whatever the table size.
    exportPage: `SELECT ${COLUMNS} FROM ${t.sessions} WHERE id > $1 AND ${live} ORDER BY id LIMIT $2`,

    // Imported rows take the current epoch: they are live even after an earlier revokeAll().
    importBatch: `INSERT INTO ${t.sessions} AS cur
      (id, verifier, user_id, created_at, last_seen_at, authenticated_at, absolute_expires_at, expires_at, epoch, fields)
      SELECT r.id, r.verifier, r.user_id, r.created_at, r.last_seen_at, r.authenticated_at,
        r.absolute_expires_at, r.expires_at, ${globalEpoch}, r.fields
      FROM jsonb_to_recordset($1::jsonb) AS r(
        id text, verifier text, user_id text, created_at bigint, last_seen_at bigint,
        authenticated_at bigint, absolute_expires_at bigint, expires_at bigint, fields jsonb
      )
      ON CONFLICT (id) DO UPDATE SET ${REPLACE_ALL}`,

    count: `SELECT count(*)::bigint AS count FROM ${t.sessions} WHERE ${live}`,
  };
}
