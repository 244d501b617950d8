import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { StoredSession } from '../stores/contract.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, recordLine } from './format.js';

const FLUSH_BYTES = 1 << 16;

export interface WriteBackupOptions {
  /** `kind` of the source store, recorded in the header. */
  source: string;
  /** Called after every record with the running count. */
  onRecord?: (written: number) => void;
  clock?: () => number;
}

/**
 * Streams records into a backup file. The file appears under its name only once complete
 * (written beside it, then renamed), so a crash mid-backup never leaves a file that looks whole.
 * Returns how many records were written.
 *
 * @example
 * ```ts
 * import { writeBackupFile } from 'custos/backup';
 *
 * const written = await writeBackupFile('sessions.backup', store.exportRecords(), { source: store.kind });
 * ```
 */
export async function writeBackupFile(
  path: string,
  records: AsyncIterable<StoredSession> | Iterable<StoredSession>,
  options: WriteBackupOptions,
): Promise<number> {
  const partial = `${path}.partial-${randomBytes(4).toString('hex')}`;
  // 0600: the file holds every verifier and sealed field (treat it like the database).
  const file = await open(partial, 'wx', 0o600);
  const hash = createHash('sha256');
  let buffered = '';
  let count = 0;
  const push = async (line: string, hashed: boolean) => {
    if (hashed) hash.update(`${line}\n`, 'utf8');
    buffered += `${line}\n`;
    if (buffered.length >= FLUSH_BYTES) {
      await file.write(buffered);
      buffered = '';
    }
  };
  try {
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date((options.clock ?? Date.now)()).toISOString(),
      source: options.source,
    };
    await push(JSON.stringify(header), true);
    for await (const record of records) {
      await push(recordLine(record), true);
      count++;
      options.onRecord?.(count);
    }
    await push(JSON.stringify({ end: true, records: count, sha256: hash.digest('hex') }), false);
    await file.write(buffered);
    await file.sync();
    await file.close();
    await rename(partial, path);
    return count;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}
