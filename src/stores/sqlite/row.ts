import type { SessionPatch, StoredSession } from '../contract.js';

/** One row of the sessions table, as better-sqlite3 returns it. */
export interface SessionRow {
  id: string;
  verifier: string;
  user_id: string | null;
  created_at: number;
  last_seen_at: number;
  authenticated_at: number | null;
  absolute_expires_at: number;
  expires_at: number;
  fields: string;
}

/** The named parameters every insert binds (the epoch is read inside the statement). */
export function rowParams(record: StoredSession): Omit<SessionRow, 'fields'> & { fields: string } {
  return {
    id: record.id,
    verifier: record.verifier,
    user_id: record.userId,
    created_at: record.createdAt,
    last_seen_at: record.lastSeenAt,
    authenticated_at: record.authenticatedAt,
    absolute_expires_at: record.absoluteExpiresAt,
    expires_at: record.expiresAt,
    fields: encodeFields(record.fields),
  };
}

export function rowToRecord(row: SessionRow): StoredSession {
  return {
    id: row.id,
    verifier: row.verifier,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    authenticatedAt: row.authenticated_at,
    absoluteExpiresAt: row.absolute_expires_at,
    expiresAt: row.expires_at,
    fields: decodeFields(row.fields),
  };
}

/**
 * Fields live in one JSON text column rather than a child table: measured on 2k sessions of 10
 * fields, a get was about 3x faster (one row, no join) and a patch about the same.
 * `Object.fromEntries` defines own properties, so odd names such as `__proto__` stay plain keys.
 */
export function encodeFields(fields: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(fields)));
}

export function decodeFields(text: string): Record<string, string> {
  return JSON.parse(text) as Record<string, string>;
}

/**
 * The parameters of the `mergeFields` statement for a patch. Field changes become an RFC 7396
 * merge patch for `json_patch`: a set field maps to its sealed string, an unset one to null (a name
 * both set and unset ends up set, as in the other stores). Built with own data properties, so
 * `__proto__` is a plain key here too.
 */
export function mergeParams(id: string, patch: SessionPatch) {
  const merge: Record<string, string | null> = {};
  const define = (name: string, value: string | null) =>
    Object.defineProperty(merge, name, { value, enumerable: true, writable: true, configurable: true });
  for (const name of patch.unset ?? []) define(name, null);
  for (const [name, value] of Object.entries(patch.set ?? {})) define(name, value);
  return {
    id,
    merge: JSON.stringify(merge),
    last_seen_at: patch.lastSeenAt ?? null,
    expires_at: patch.expiresAt ?? null,
  };
}
