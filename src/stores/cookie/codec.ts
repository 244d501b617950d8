import { MAX_COOKIE_BYTES } from '../../cookie/serialize.js';
import type { Keyring } from '../../crypto/keyring.js';
import { openSealed, seal } from '../../crypto/seal.js';
import { CustosError } from '../../errors.js';
import { isStoredSession, type StoredSession } from '../contract.js';
import { cookieRecordAad as aad, SEALED_COOKIE } from './format.js';

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

/**
 * The record, or null for anything garbled, edited, or sealed under an unknown key. Every byte of
 * the value counts: each other spelling is refused (canonical base64url, authenticated header),
 * and `oldKey` comes from the key that opened it, not from anything the client wrote.
 */
export function openRecord(
  keyring: Keyring,
  cookieName: string,
  value: string,
): { record: StoredSession; oldKey: boolean } | null {
  if (value.length > MAX_COOKIE_BYTES || !SEALED_COOKIE.test(value)) return null;
  const opened = openSealed(keyring, value, aad(cookieName));
  if (opened === null) return null;
  try {
    const parsed: unknown = JSON.parse(opened.plaintext);
    return isStoredSession(parsed) ? { record: parsed, oldKey: opened.keyIndex > 0 } : null;
  } catch {
    return null;
  }
}
