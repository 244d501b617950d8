import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decodeBase64url } from './base64url.js';
import type { Keyring } from './keyring.js';
import { openedCache } from './opened-cache.js';
import { pooledRandomBytes } from './random.js';
import {
  INDEX_PATTERN,
  LEGACY_SEAL_VERSION as LEGACY_VERSION,
  NONCE_BYTES,
  TAG_BYTES,
  SEAL_VERSION as VERSION,
} from './seal-format.js';

export interface OpenedValue {
  readonly plaintext: string;
  /** Keyring position of the key that opened it: above 0 means reseal under the newest key. */
  readonly keyIndex: number;
}

/**
 * AES-256-GCM with a random 96-bit nonce. The AAD binds the ciphertext to where it lives
 * (record key and field name), so ciphertext moved to another record or field fails to open,
 * and to its own header (version and key index), so no other spelling of the header opens it.
 * Format: `g2.<key index>.<base64url(nonce | tag | ciphertext)>`.
 */
export function seal(keyring: Keyring, plaintext: string, aad: string): string {
  const { index, key } = keyring.current('seal');
  const nonce = pooledRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const header = `${VERSION}.${index}.`;
  cipher.setAAD(boundAad(header, aad));
  const body = cipher.update(plaintext, 'utf8');
  cipher.final(); // GCM is a stream mode: final() adds no bytes, it computes the tag
  const packed = Buffer.allocUnsafe(NONCE_BYTES + TAG_BYTES + body.length);
  nonce.copy(packed, 0);
  cipher.getAuthTag().copy(packed, NONCE_BYTES);
  body.copy(packed, NONCE_BYTES + TAG_BYTES);
  const sealed = flat(header, packed.toString('base64url'));
  openedCache(keyring).remember(sealed, aad, plaintext, index);
  return sealed;
}

/** What GCM authenticates besides the ciphertext: the value's header text, then the caller's AAD. */
function boundAad(header: string, aad: string): Buffer {
  return Buffer.from(header.startsWith(`${LEGACY_VERSION}.`) ? aad : header + aad, 'utf8');
}

/**
 * Joins two ASCII strings into one flat string. A template literal would give a V8 rope (a
 * ConsString holding both parts): about 28 more bytes for every sealed field a memory store
 * keeps, measured in bench/memory.ts (issue 7: at most 1 KiB per idle session).
 */
function flat(prefix: string, body: string): string {
  const bytes = Buffer.allocUnsafe(prefix.length + body.length);
  bytes.write(prefix, 0, 'latin1');
  bytes.write(body, prefix.length, 'latin1');
  return bytes.toString('latin1');
}

/** The plaintext, or `null` when the value is garbled, edited, moved or sealed under an unknown key. */
export function open(keyring: Keyring, sealed: string, aad: string): string | null {
  return openSealed(keyring, sealed, aad)?.plaintext ?? null;
}

/** Like `open`, and says which key opened the value. */
export function openSealed(keyring: Keyring, sealed: string, aad: string): OpenedValue | null {
  if (typeof sealed !== 'string') return null;
  const cache = openedCache(keyring);
  const cached = cache.getOpened(sealed, aad);
  if (cached !== undefined) return cached;
  const opened = decrypt(keyring, sealed, aad);
  if (opened !== null) cache.remember(sealed, aad, opened.plaintext, opened.keyIndex);
  return opened;
}

/**
 * `open(keyring, sealed, id + "\0" + name)` for a session field: the opened-ciphertext cache is
 * checked without building the AAD string, which is only made when the field must be decrypted.
 */
export function openField(keyring: Keyring, sealed: string, id: string, name: string): string | null {
  if (typeof sealed !== 'string') return null;
  const cached = openedCache(keyring).getField(sealed, id, name);
  return cached !== undefined ? cached : open(keyring, sealed, `${id}\u0000${name}`);
}

/**
 * Every part is checked for its one canonical spelling before any key is tried: base64url that
 * re-encodes to itself (RFC 4648 §3.5) and a key index that exists; the header is part of the AAD.
 */
function decrypt(keyring: Keyring, sealed: string, aad: string): OpenedValue | null {
  const first = sealed.indexOf('.');
  const second = sealed.indexOf('.', first + 1);
  if (first < 0 || second < 0) return null;
  const version = sealed.slice(0, first);
  if (version !== VERSION && version !== LEGACY_VERSION) return null;
  const spelled = sealed.slice(first + 1, second);
  const keys = keyring.all('seal');
  if (!INDEX_PATTERN.test(spelled) || Number(spelled) >= keys.length) return null;
  const packed = decodeBase64url(sealed.slice(second + 1));
  if (packed === null || packed.length < NONCE_BYTES + TAG_BYTES) return null;
  // The index names the newest key when the value was sealed; rotation since then shifts
  // positions, so it is the first key tried, then the others (the AAD fixes its spelling).
  const hinted = Number(spelled);
  const order = [keys[hinted], ...keys.filter((k) => k.index !== hinted)];
  const additional = boundAad(sealed.slice(0, second + 1), aad);
  for (const candidate of order) {
    if (!candidate) continue;
    try {
      const decipher = createDecipheriv('aes-256-gcm', candidate.key, packed.subarray(0, NONCE_BYTES));
      decipher.setAAD(additional);
      decipher.setAuthTag(packed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      const plaintext = Buffer.concat([
        decipher.update(packed.subarray(NONCE_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      return { plaintext, keyIndex: candidate.index };
    } catch {
      // wrong key or tampered: try the next key
    }
  }
  return null;
}
