import { MAX_COOKIE_BYTES } from '../../cookie/serialize.js';
import type { Keyring } from '../../crypto/keyring.js';
import { openSealed, seal } from '../../crypto/seal.js';
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

/**
 * Only the current format, with the key index spelled exactly (checklist STO-03): `g1` values
 * left its index outside the AAD, so a client could respell it. A `g1` cookie is refused and its
 * user signs in again once; `g1` fields at rest in a store still open (seal.ts).
 */
const SEALED_COOKIE = /^g2\.(?:0|[1-9][0-9]{0,2})\.[A-Za-z0-9_-]+$/;

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
