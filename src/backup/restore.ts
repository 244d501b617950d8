import type { SessionStore } from '../stores/contract.js';
import { isRevocationRecord } from '../stores/cookie/revocation.js';
import { warnOnce } from '../vocabulary/warn-once.js';
import { type BackupSummary, readBackupRecords, verifyBackupFile } from './read.js';
import { exportSessions, importSessions } from './sessions.js';
import { consistentView } from './snapshot.js';
import { writeBackupFile } from './write.js';

export interface BackupResult {
  readonly written: number;
  readonly skippedExpired: number;
}

/**
 * Writes every live session of `store` to a backup file. A store with an online snapshot
 * (`backupTo`, SQLite) is first copied whole so the file is one consistent point in time; other
 * stores are read record by record (each record is consistent, the set spans the export).
 *
 * @example
 * ```ts
 * import { backupStore } from 'custos/backup';
 * import { sqliteStore } from 'custos/stores/sqlite';
 *
 * const { written, skippedExpired } = await backupStore(sqliteStore({ path: 'sessions.db' }), 'sessions.backup');
 * ```
 */
export async function backupStore(
  store: SessionStore,
  path: string,
  options: { now?: number; onRecord?: (n: number) => void } = {},
): Promise<BackupResult> {
  let skippedExpired = 0;
  const { view, dispose } = await consistentView(store);
  try {
    const records = exportSessions(view, { now: options.now, onSkipped: () => skippedExpired++ });
    const written = await writeBackupFile(path, records, { source: store.kind, onRecord: options.onRecord });
    return { written, skippedExpired };
  } finally {
    await dispose();
  }
}

export interface RestoreResult extends BackupResult {
  readonly summary: BackupSummary;
  /**
   * With `keepRevocations`: backup records left out because the target holds no live session with
   * that id, or holds its own (newer) copy of a sealed-cookie revocation record.
   */
  readonly skippedRevoked: number;
}

export interface RestoreOptions {
  now?: number;
  onRecord?: (n: number) => void;
  onVerified?: (summary: BackupSummary) => void;
  /** A summary from {@link verifyBackupFile} on this file, to skip a second full read. */
  verified?: BackupSummary;
  /**
   * Restore only sessions the target still holds live, so nobody logged out, revoked (one
   * handle, a user, or `revokeAll`) or expired in the target since the backup is signed back in;
   * sessions still live get the backup's data back. @default false
   */
  keepRevocations?: boolean;
  /**
   * Print the once-per-process warning that a restore without `keepRevocations` brings revoked
   * sessions back. The CLI turns it off because it tells the operator itself. @default true
   */
  warn?: boolean;
}

/**
 * Restores a backup file: the whole file is verified first (header, every record, count and
 * checksum) and only then imported, so a truncated, edited or foreign file changes nothing.
 * Records already expired are skipped. Stores keep no trace of a logout (the record is deleted),
 * so without `keepRevocations` sessions revoked after the backup come back signed in: a restore
 * undoes those logouts (OWASP ASVS 5.0 V7.4: terminated sessions must stay terminated), and a
 * warning says so.
 *
 * @example
 * ```ts
 * import { restoreStore } from 'custos/backup';
 * import { redisStore } from 'custos/stores/redis';
 *
 * const { written, skippedRevoked } = await restoreStore(redisStore({ client }), 'sessions.backup', {
 *   keepRevocations: true, // nobody logged out since the backup is signed back in
 * });
 * ```
 */
export async function restoreStore(
  store: SessionStore,
  path: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const summary = options.verified ?? (await verifyBackupFile(path));
  options.onVerified?.(summary);
  const now = options.now ?? Date.now();
  const keep = options.keepRevocations === true;
  if (!keep && options.warn !== false) {
    warnOnce(
      'restore-resurrects-revoked-sessions',
      'restoreStore: sessions logged out or revoked after the backup was taken come back signed in; pass keepRevocations: true to restore only sessions the target still holds.',
    );
  }
  let skippedExpired = 0;
  let skippedRevoked = 0;
  async function* live() {
    for await (const record of readBackupRecords(path, summary)) {
      if (record.expiresAt <= now) skippedExpired++;
      else if (keep && isRevocationRecord(record)) {
        // A sealed-cookie revocation record only moves forward ("not before" later, more ids
        // ended): the target's own is never older than the backup's, so it stays. One the target
        // lacks is restored, which can only refuse more cookies.
        if ((await store.get(record.id)) === null) yield record;
        else skippedRevoked++;
      }
      // An absent id in the target is a logout, a revocation or an expiry there: keep it absent.
      else if (keep && (await store.get(record.id)) === null) skippedRevoked++;
      else yield record;
    }
  }
  const written = await importSessions(store, live(), { onRecord: options.onRecord });
  return { written, skippedExpired, skippedRevoked, summary };
}
