import type { TableNames } from './identifiers.js';
import type { PgPoolLike } from './pool.js';
import { inTransaction } from './transaction.js';

/**
 * Schema migrations, in order. Version n is `MIGRATIONS[n - 1]`; a released migration is never
 * edited, only followed by a new one, so every database converges to the same schema.
 */
const MIGRATIONS: readonly ((t: TableNames) => string[])[] = [
  (t) => [
    // Times are epoch milliseconds as bigint (the contract's numbers); fields hold sealed strings
    // only, so a dump of this table holds no plaintext session data (checklist STO-02).
    `CREATE TABLE ${t.sessions} (
      id text PRIMARY KEY,
      verifier text NOT NULL,
      user_id text,
      created_at bigint NOT NULL,
      last_seen_at bigint NOT NULL,
      authenticated_at bigint,
      absolute_expires_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      epoch bigint NOT NULL,
      fields jsonb NOT NULL DEFAULT '{}'::jsonb
    )`,
    `CREATE INDEX "${t.indexPrefix}_user_id_idx" ON ${t.sessions} (user_id)`,
    `CREATE INDEX "${t.indexPrefix}_expires_at_idx" ON ${t.sessions} (expires_at)`,
    // Lets purgeExpired find epoch-revoked rows without scanning the table.
    `CREATE INDEX "${t.indexPrefix}_epoch_idx" ON ${t.sessions} (epoch)`,
    // One row: the global epoch revokeAll() bumps. A row is live while its epoch >= this one.
    `CREATE TABLE ${t.epoch} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      epoch bigint NOT NULL
    )`,
    `INSERT INTO ${t.epoch} (singleton, epoch) VALUES (true, 0)`,
  ],
  // A devices page reads one page of a user's sessions in index order (newest sign-in first):
  // its cost is the page size, not the user's total.
  (t) => [
    `CREATE INDEX IF NOT EXISTS "${t.indexPrefix}_user_page_idx" ON ${t.sessions} (user_id, created_at DESC, id DESC)`,
  ],
];

/**
 * The schema version `store.migrate()` brings the tables to (recorded in `<table>_migrations`).
 *
 * @example
 * ```ts
 * import { LATEST_SCHEMA_VERSION } from 'custos/stores/postgres';
 *
 * const applied = await store.migrate(); // the versions applied now, [] when already current
 * console.log(`schema at version ${LATEST_SCHEMA_VERSION}, applied: ${applied.join(', ') || 'none'}`);
 * ```
 */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema to the latest version; safe to call on every start from every instance.
 * The transaction-scoped advisory lock serialises concurrent callers: the second one waits, then
 * sees the versions the first one recorded and has nothing left to do. Returns the versions it applied.
 */
export async function migrate(pool: PgPoolLike, t: TableNames): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [t.lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await client.query(`SELECT coalesce(max(version), 0) AS version FROM ${t.migrations}`);
    const current = Number(rows[0]?.version ?? 0);
    const applied: number[] = [];
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      for (const statement of MIGRATIONS[version - 1]!(t)) await client.query(statement);
      await client.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [version]);
      applied.push(version);
    }
    return applied;
  });
}
