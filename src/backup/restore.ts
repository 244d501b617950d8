import type { SessionStore } from '../stores/contract.js';
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
}

/**
 * Restores a backup file: the whole file is verified first (header, every record, count and
 * checksum) and only then imported, so a truncated, edited or foreign file changes nothing.
 * Records already expired are skipped. Sessions revoked after the backup come back: restore only
 * to recover from data loss, never after revoking sessions for a security reason.
 */
export async function restoreStore(
  store: SessionStore,
  path: string,
  options: {
    now?: number;
    onRecord?: (n: number) => void;
    onVerified?: (summary: BackupSummary) => void;
    /** A summary from {@link verifyBackupFile} on this file, to skip a second full read. */
    verified?: BackupSummary;
  } = {},
): Promise<RestoreResult> {
  const summary = options.verified ?? (await verifyBackupFile(path));
  options.onVerified?.(summary);
  const now = options.now ?? Date.now();
  let skippedExpired = 0;
  async function* live() {
    for await (const record of readBackupRecords(path, summary)) {
      if (record.expiresAt <= now) skippedExpired++;
      else yield record;
    }
  }
  const written = await importSessions(store, live(), { onRecord: options.onRecord });
  return { written, skippedExpired, summary };
}
