import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isStoredSession, type StoredSession } from '../stores/contract.js';
import { BackupFileError } from './errors.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, isTrailer } from './format.js';

export interface BackupSummary {
  readonly header: BackupHeader;
  readonly records: number;
  /** Size and modification time at verification, to notice a file replaced before the import. */
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Reads the whole file and checks the header, every record's shape, the record count and the
 * checksum. Throws {@link BackupFileError} saying what is wrong; never touches a store.
 *
 * @example
 * ```ts
 * import { verifyBackupFile } from 'custos/backup';
 *
 * const summary = await verifyBackupFile('sessions.backup');
 * console.log(`${summary.records} sessions from a ${summary.header.source} store, ${summary.header.createdAt}`);
 * ```
 */
export async function verifyBackupFile(path: string): Promise<BackupSummary> {
  const before = await statOf(path);
  let header: BackupHeader | undefined;
  let records = 0;
  for await (const item of scan(path)) {
    if (item.kind === 'header') header = item.header;
    else records++;
  }
  return { header: header as BackupHeader, records, size: before.size, mtimeMs: before.mtimeMs };
}

/**
 * The records of a file {@link verifyBackupFile} accepted. Refuses a file that changed since,
 * and still checks everything as it reads (the end line arrives after the last record).
 *
 * @example
 * ```ts
 * import { readBackupRecords, verifyBackupFile } from 'custos/backup';
 *
 * const verified = await verifyBackupFile('sessions.backup');
 * for await (const record of readBackupRecords('sessions.backup', verified)) {
 *   if (record.userId === 'alice') console.log(record.id, new Date(record.lastSeenAt));
 * }
 * ```
 */
export async function* readBackupRecords(path: string, verified: BackupSummary): AsyncGenerator<StoredSession> {
  const now = await statOf(path);
  if (now.size !== verified.size || now.mtimeMs !== verified.mtimeMs) {
    throw new BackupFileError('corrupted', 'backup file changed after it was verified; run the restore again');
  }
  for await (const item of scan(path)) if (item.kind === 'record') yield item.record;
}

type Item = { kind: 'header'; header: BackupHeader } | { kind: 'record'; record: StoredSession };

async function* scan(path: string): AsyncGenerator<Item> {
  const hash = createHash('sha256');
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  let count = 0;
  let ended = false;
  // A line that is not JSON is "truncated" when it is the last one (cut mid-write), else "corrupted".
  let unparsable = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (ended) throw new BackupFileError('corrupted', `backup file has data after its end line (line ${lineNo})`);
      if (unparsable)
        throw new BackupFileError('corrupted', `backup file is corrupted: line ${unparsable} is not JSON`);
      const value = parseLine(line);
      if (value === undefined && lineNo > 1) {
        unparsable = lineNo;
        continue;
      }
      if (lineNo === 1) {
        yield { kind: 'header', header: checkHeader(value) };
        hash.update(`${line}\n`, 'utf8');
        continue;
      }
      if (isTrailer(value)) {
        if (value.records !== count || value.sha256 !== hash.digest('hex')) {
          throw new BackupFileError(
            'corrupted',
            'backup file is corrupted: its checksum or record count does not match',
          );
        }
        ended = true;
        continue;
      }
      if (!isStoredSession(value)) {
        throw new BackupFileError('corrupted', `backup file is corrupted: line ${lineNo} is not a session record`);
      }
      hash.update(`${line}\n`, 'utf8');
      count++;
      yield { kind: 'record', record: value };
    }
  } catch (error) {
    if (error instanceof BackupFileError) throw error;
    throw new BackupFileError('unreadable', `cannot read backup file: ${(error as Error).message}`, { cause: error });
  } finally {
    lines.close();
  }
  if (lineNo === 0) throw new BackupFileError('foreign', 'backup file is empty: not a custos backup');
  if (!ended) {
    throw new BackupFileError(
      'truncated',
      `backup file is truncated: no end line after ${count} record(s); it was cut short or is still being written`,
    );
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function checkHeader(value: unknown): BackupHeader {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v.format !== BACKUP_FORMAT || !Number.isInteger(v.version)) {
    throw new BackupFileError('foreign', `not a custos backup file (the first line is not a ${BACKUP_FORMAT} header)`);
  }
  if ((v.version as number) > BACKUP_VERSION) {
    throw new BackupFileError(
      'unsupported-version',
      `backup format version ${v.version} is newer than this custos understands (${BACKUP_VERSION}); upgrade custos`,
    );
  }
  return v as unknown as BackupHeader;
}

async function statOf(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw new BackupFileError('unreadable', `cannot read backup file: ${(error as Error).message}`, { cause: error });
  }
}
