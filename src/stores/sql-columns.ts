import type { StoredSession } from './contract.js';

/**
 * The SQL stores keep a session in the same eight scalar columns plus one JSON `fields` column;
 * only how a driver hands a column back differs (mysql2: Buffers for VARBINARY, numbers for
 * BIGINT; pg: strings for bigint). One mapping, with the driver's decoding passed in, keeps the
 * column order and the null rules in one place.
 */
export interface ColumnDecoding {
  /** A text or binary id column as the string it was written from. */
  readonly text: (value: unknown) => string;
  /** The `fields` column as the record's field map. */
  readonly fields: (value: unknown) => Record<string, string>;
}

/** A row of the sessions table as a record. Epoch milliseconds fit a double exactly, so Number() is lossless. */
export function columnsToSession(row: Record<string, unknown>, decode: ColumnDecoding): StoredSession {
  return {
    id: decode.text(row.id),
    verifier: decode.text(row.verifier),
    userId: row.user_id === null ? null : decode.text(row.user_id),
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    authenticatedAt: row.authenticated_at === null ? null : Number(row.authenticated_at),
    absoluteExpiresAt: Number(row.absolute_expires_at),
    expiresAt: Number(row.expires_at),
    fields: decode.fields(row.fields),
  };
}

/** A record's scalar columns in table order (the `fields` column follows them). */
export function sessionColumnValues(record: StoredSession): (string | number | null)[] {
  return [
    record.id,
    record.verifier,
    record.userId,
    record.createdAt,
    record.lastSeenAt,
    record.authenticatedAt,
    record.absoluteExpiresAt,
    record.expiresAt,
  ];
}
