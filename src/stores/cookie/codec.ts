import { MAX_COOKIE_BYTES } from '../../cookie/serialize.js';
import type { Keyring } from '../../crypto/keyring.js';
import { open, seal, sealedKeyIndex } from '../../crypto/seal.js';
import { CustosError } from '../../errors.js';
import { isStoredSession, type StoredSession } from '../contract.js';

/** AAD binding the sealed record to its cookie name: a value cannot be moved to another cookie. */
const aad = (cookieName: string) => `custos/cookie-session/v1\u0000${cookieName}`;

/**
 * The whole record (ids, times, user, already-sealed fields) sealed with AES-256-GCM into one
 * cookie value (checklist STO-03). Browsers drop cookies over 4096 bytes, so this refuses to
 * produce one (checklist CK-10) instead of emitting a cookie that would silently vanish.
 */
export function sealRecord(keyring: Keyring, cookieName: string, record: StoredSession): string {
  const value = seal(keyring, JSON.stringify(record), aad(cookieName));
  const size = Buffer.byteLength(cookieName) + value.length;
  if (size > MAX_COOKIE_BYTES) {
    throw new CustosError(
      'COOKIE_TOO_LARGE',
      `the sealed session cookie would be ${size} bytes, over the ${MAX_COOKIE_BYTES}-byte browser limit; keep less in the session or use a server-side store.`,
    );
  }
  return value;
}

/** The record, or null for anything garbled, edited, or sealed under an unknown key. */
export function openRecord(
  keyring: Keyring,
  cookieName: string,
  value: string,
): { record: StoredSession; oldKey: boolean } | null {
  if (value.length > MAX_COOKIE_BYTES || !/^g1\.\d{1,3}\.[A-Za-z0-9_-]+$/.test(value)) return null;
  const json = open(keyring, value, aad(cookieName));
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return isStoredSession(parsed) ? { record: parsed, oldKey: sealedKeyIndex(value) > 0 } : null;
  } catch {
    return null;
  }
}
