import { CustosError } from '../../errors.js';
import type { StoredSession } from '../contract.js';
import { isStoredSession } from '../contract.js';
import { columnsToSession, sessionColumnValues } from '../sql-columns.js';
import type { MysqlRow, SqlValue } from './pool.js';

/**
 * Handles, verifiers and user ids live in VARBINARY columns: compared byte for byte, so no
 * collation folds case (handles are case-sensitive base64url) and no PAD SPACE collation makes
 * `'a'` equal `'a '`. mysql2 returns them as Buffers, which hold the UTF-8 the driver sent.
 */
function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** A VARBINARY id read back, as the string it was written from. */
export function idText(value: unknown): string {
  return text(value);
}

/** BIGINT columns arrive as numbers (or strings with `supportBigNumbers`/`bigNumberStrings`). */
export function rowToSession(row: MysqlRow): StoredSession {
  return columnsToSession(row, { text, fields: parseFields });
}

/**
 * Fields are one JSON object in a LONGTEXT column. JSON.stringify escapes U+0000 and lone
 * surrogates, so any JS string survives the utf8mb4 column unchanged (RFC 8259 section 7).
 */
export function parseFields(value: unknown): Record<string, string> {
  return JSON.parse(text(value)) as Record<string, string>;
}

export function fieldsJson(fields: Readonly<Record<string, string>>): string {
  return JSON.stringify(fields);
}

/**
 * A record's values in column order, after checking its shape: an over-long user id or a
 * non-string field is the caller's mistake (`INVALID_RECORD`), found before it reaches the
 * server, so it is never mistaken for an outage.
 */
export function recordValues(record: StoredSession, what: string): SqlValue[] {
  if (!isStoredSession(record) || !isWellFormed(record)) {
    throw new CustosError('INVALID_RECORD', `mysqlStore: ${what} is not a session record`);
  }
  return sessionColumnValues(record);
}

/** A lone surrogate would be replaced by U+FFFD on its way to UTF-8: two handles could collide. */
function isWellFormed(record: StoredSession): boolean {
  const wellFormed = (s: string) => !/\p{Surrogate}/u.test(s);
  return wellFormed(record.id) && wellFormed(record.verifier) && (record.userId === null || wellFormed(record.userId));
}
