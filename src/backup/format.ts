import type { StoredSession } from '../stores/contract.js';

/**
 * custos backup files are JSON lines:
 *
 * ```text
 * {"format":"custos-sessions","version":1,"createdAt":"2026-01-01T00:00:00.000Z","source":"sqlite"}
 * {"id":"…","verifier":"…","userId":"alice",…,"fields":{"$client":"g2.0.…"}}        ← one per session
 * {"end":true,"records":2,"sha256":"<hex of every byte before this line>"}
 * ```
 *
 * Records stay sealed exactly as the store held them: a backup holds no plaintext session data,
 * but it does hold every verifier, so treat it like the database itself (written with mode 0600).
 * The end line makes truncation and edits detectable before anything is restored.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { BACKUP_FORMAT } from 'custos/backup';
 *
 * const [first] = (await readFile('sessions.backup', 'utf8')).split('\n', 1);
 * const isCustosBackup = JSON.parse(first ?? '{}').format === BACKUP_FORMAT;
 * ```
 */
export const BACKUP_FORMAT = 'custos-sessions';
/**
 * The backup file version this release writes (the header's `version`); a newer one is refused
 * as `unsupported-version`.
 *
 * @example
 * ```ts
 * import { BACKUP_VERSION, verifyBackupFile } from 'custos/backup';
 *
 * const { header } = await verifyBackupFile('sessions.backup');
 * console.log(`version ${header.version} (this release writes ${BACKUP_VERSION})`);
 * ```
 */
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  /** ISO time the backup started. */
  readonly createdAt: string;
  /** `kind` of the store it came from. */
  readonly source: string;
}

export interface BackupTrailer {
  readonly end: true;
  readonly records: number;
  readonly sha256: string;
}

/** One record as a line, with a fixed key order so identical stores give identical files. */
export function recordLine(record: StoredSession): string {
  return JSON.stringify({
    id: record.id,
    verifier: record.verifier,
    userId: record.userId,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    authenticatedAt: record.authenticatedAt,
    absoluteExpiresAt: record.absoluteExpiresAt,
    expiresAt: record.expiresAt,
    fields: record.fields,
  });
}

export function isTrailer(value: unknown): value is BackupTrailer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.end === true && Number.isInteger(v.records) && typeof v.sha256 === 'string';
}
