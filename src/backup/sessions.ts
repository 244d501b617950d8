import { CustosError } from '../errors.js';
import { isStoredSession, type SessionStore, type StoredSession } from '../stores/contract.js';

export interface ExportOptions {
  /** Records with `expiresAt <= now` are skipped (they only await purging). @default Date.now() */
  now?: number;
  /** Keep expired records too. @default false */
  includeExpired?: boolean;
  /** Told about every record skipped as expired (for "skipped N expired" reports). */
  onSkipped?: (record: StoredSession) => void;
}

/**
 * Every live session of a store, still sealed, for backups and migrations. Nothing is decrypted:
 * the records only work again with the same secrets, and the AAD ties each sealed field to its
 * session id, which the record keeps, so a session moved to another store opens as before.
 *
 * @example
 * for await (const record of exportSessions(store)) lines.push(JSON.stringify(record));
 */
export async function* exportSessions(store: SessionStore, options: ExportOptions = {}): AsyncGenerator<StoredSession> {
  const now = options.now ?? Date.now();
  for await (const record of store.exportRecords()) {
    if (!options.includeExpired && record.expiresAt <= now) {
      options.onSkipped?.(record);
      continue;
    }
    yield record;
  }
}

export interface ImportOptions {
  /** Called after every record handed to the store, with the running count. */
  onRecord?: (count: number) => void;
}

/**
 * Writes exported records into a store (records with the same id are replaced) and returns how
 * many were written. Each record is shape-checked first: input from a file or another store is
 * untrusted, and a malformed record stops the import with `INVALID_RECORD`.
 *
 * @example
 * await importSessions(redis, exportSessions(sqlite));
 */
export async function importSessions(
  store: SessionStore,
  records: AsyncIterable<StoredSession> | Iterable<StoredSession>,
  options: ImportOptions = {},
): Promise<number> {
  let seen = 0;
  async function* checked(): AsyncGenerator<StoredSession> {
    for await (const record of records) {
      if (!isStoredSession(record)) {
        throw new CustosError('INVALID_RECORD', `importSessions: record #${seen + 1} is not a session record`);
      }
      seen++;
      yield record;
      options.onRecord?.(seen);
    }
  }
  return store.importRecords(checked());
}
