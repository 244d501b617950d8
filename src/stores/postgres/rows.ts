import type { SessionPatch, StoredSession } from '../contract.js';
import { columnsToSession, sessionColumnValues } from '../sql-columns.js';
import { decodeFields, encodeFields, encodeText } from './field-encoding.js';

/** bigint columns arrive as strings with pg's default parsers (or as numbers/bigints if the app changed them). */
export function rowToSession(row: Record<string, unknown>): StoredSession {
  return columnsToSession(row, {
    text: String,
    fields: (value) => decodeFields(JSON.parse(String(value)) as Record<string, string>),
  });
}

/** Bind parameters $1..$9 of the `create` statement. */
export function createParams(record: StoredSession): unknown[] {
  return [...sessionColumnValues(record), JSON.stringify(encodeFields(record.fields))];
}

/** One element of the JSON array the `importBatch` statement unpacks with jsonb_to_recordset. */
export function sessionToImportRow(record: StoredSession): Record<string, unknown> {
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

/** Bind parameters $1..$7 of the `patch` statement. */
export function patchParams(id: string, patch: SessionPatch): unknown[] {
  const mustEqual: Record<string, string> = {};
  const mustBeAbsent: string[] = [];
  for (const [name, value] of Object.entries(patch.expect ?? {})) {
    if (value === null) mustBeAbsent.push(encodeText(name));
    else mustEqual[encodeText(name)] = encodeText(value);
  }
  return [
    id,
    (patch.unset ?? []).map(encodeText),
    JSON.stringify(encodeFields(patch.set ?? {})),
    patch.lastSeenAt ?? null,
    patch.expiresAt ?? null,
    JSON.stringify(mustEqual),
    mustBeAbsent,
  ];
}
