import type { StoredSession } from '../contract.js';

/**
 * How a record maps onto one Redis hash. Short meta names keep the per-session overhead small;
 * data fields are stored one hash field each, `f:<name>`, so a patch touches only what changed.
 * Values are the core's sealed strings: the hash never holds plaintext session data.
 */
export const META = {
  verifier: 'v',
  userId: 'u',
  createdAt: 'c',
  lastSeenAt: 'l',
  authenticatedAt: 'a',
  absoluteExpiresAt: 'x',
  expiresAt: 't',
  epoch: 'e',
} as const;

const FIELD_PREFIX = 'f:';

export function dataField(name: string): string {
  return FIELD_PREFIX + name;
}

/** Hash field/value pairs for a whole record (the epoch is added by the write script). */
export function encodeRecord(record: StoredSession): string[] {
  const pairs: string[] = [
    META.verifier,
    record.verifier,
    META.createdAt,
    String(record.createdAt),
    META.lastSeenAt,
    String(record.lastSeenAt),
    META.absoluteExpiresAt,
    String(record.absoluteExpiresAt),
    META.expiresAt,
    String(record.expiresAt),
  ];
  // Absent fields encode null, so an anonymous record is distinguishable from a user named "".
  if (record.userId !== null) pairs.push(META.userId, record.userId);
  if (record.authenticatedAt !== null) pairs.push(META.authenticatedAt, String(record.authenticatedAt));
  for (const [name, value] of Object.entries(record.fields)) pairs.push(dataField(name), value);
  return pairs;
}

export interface DecodedRecord {
  record: StoredSession;
  /** The epoch the record was written under (checked by the caller in cluster mode). */
  epoch: string;
}

/** The record from an HGETALL reply (flat field/value list), or null when the reply is empty. */
export function decodeRecord(id: string, flat: readonly string[]): DecodedRecord | null {
  if (flat.length === 0) return null;
  const meta = new Map<string, string>();
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    if (name.startsWith(FIELD_PREFIX)) {
      // defineProperty: a field called "__proto__" must stay a plain own property.
      Object.defineProperty(fields, name.slice(FIELD_PREFIX.length), {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else meta.set(name, value);
  }
  const verifier = meta.get(META.verifier);
  if (verifier === undefined) return null;
  const time = (key: string) => Number(meta.get(key));
  const authenticatedAt = meta.get(META.authenticatedAt);
  return {
    epoch: meta.get(META.epoch) ?? '',
    record: {
      id,
      verifier,
      userId: meta.get(META.userId) ?? null,
      createdAt: time(META.createdAt),
      lastSeenAt: time(META.lastSeenAt),
      authenticatedAt: authenticatedAt === undefined ? null : Number(authenticatedAt),
      absoluteExpiresAt: time(META.absoluteExpiresAt),
      expiresAt: time(META.expiresAt),
      fields,
    },
  };
}
