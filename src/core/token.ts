import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../crypto/hash.js';
import { first16BytesOfBase64url, hmacSha256Base64url } from '../crypto/hmac-sha256.js';
import type { Keyring } from '../crypto/keyring.js';
import { randomToken } from '../crypto/random.js';

/** Public handle: 128 random bits. Shown in device lists, used by revoke; authenticates nothing alone. */
export const ID_BYTES = 16;
/** Secret part: 256 random bits (checklist TOK-01, decision D1). Only its SHA-256 is stored. */
export const SECRET_BYTES = 32;
/** 128-bit MAC: the first 16 bytes of HMAC-SHA-256 (see `macText`). */
const MAC_BYTES = 16;

const ID_CHARS = Math.ceil((ID_BYTES * 4) / 3);
const SECRET_CHARS = Math.ceil((SECRET_BYTES * 4) / 3);
const MAC_CHARS = Math.ceil((MAC_BYTES * 4) / 3);
/** The only shape a session cookie may have; checked before anything else touches the value. */
const TOKEN_PATTERN = new RegExp(
  `^[A-Za-z0-9_-]{${ID_CHARS}}\\.[A-Za-z0-9_-]{${SECRET_CHARS}}\\.[A-Za-z0-9_-]{${MAC_CHARS}}$`,
);
export const TOKEN_LENGTH = ID_CHARS + SECRET_CHARS + MAC_CHARS + 2;

export interface SessionToken {
  /** Public handle, the store's record key. */
  readonly id: string;
  readonly secret: string;
  /** Keyring position that verified the MAC: above 0 means re-issue under the newest key. */
  readonly keyIndex: number;
}

export type TokenParseResult =
  | { readonly ok: true; readonly token: SessionToken }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-mac' };

export function mintToken(): SessionToken {
  return { id: randomToken(ID_BYTES), secret: randomToken(SECRET_BYTES), keyIndex: 0 };
}

/** base64url of the first MAC_BYTES bytes of HMAC-SHA-256(key, body). */
function macText(key: Buffer, body: string): string {
  return first16BytesOfBase64url(hmacSha256Base64url(key, body));
}

export function serializeToken(keyring: Keyring, token: Pick<SessionToken, 'id' | 'secret'>): string {
  const body = `${token.id}.${token.secret}`;
  return `${body}.${macText(keyring.current('mac').key, body)}`;
}

/** Room for the presented and the expected MAC text side by side (ASCII, checked by TOKEN_PATTERN). */
const macScratch = Buffer.alloc(2 * MAC_CHARS);

/**
 * Shape check, then MAC check under every key in constant time, before any store access
 * (checklist TOK-04, TOK-05): a forged cookie never costs a database round trip.
 */
export function parseToken(keyring: Keyring, value: string): TokenParseResult {
  if (value.length !== TOKEN_LENGTH || !TOKEN_PATTERN.test(value)) return { ok: false, reason: 'malformed' };
  const macStart = value.lastIndexOf('.');
  const body = value.slice(0, macStart);
  // Compare the canonical text, not decoded bytes: base64url's unused low bits would otherwise
  // let several cookie strings verify as the same token.
  macScratch.write(value.slice(macStart + 1), 0, MAC_CHARS, 'latin1');
  const presented = macScratch.subarray(0, MAC_CHARS);
  const expected = macScratch.subarray(MAC_CHARS);
  let keyIndex = -1;
  for (const { index, key } of keyring.all('mac')) {
    // Check every key even after a match so timing does not reveal which key signed.
    expected.write(macText(key, body), 0, MAC_CHARS, 'latin1');
    if (timingSafeEqual(expected, presented) && keyIndex < 0) keyIndex = index;
  }
  if (keyIndex < 0) return { ok: false, reason: 'bad-mac' };
  const dot = body.indexOf('.');
  return { ok: true, token: { id: body.slice(0, dot), secret: body.slice(dot + 1), keyIndex } };
}

/** The verifier a store keeps: a leaked store yields no usable cookie (checklist STO-01, D9). */
export function secretVerifier(secret: string): string {
  return sha256(secret);
}
