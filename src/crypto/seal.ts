import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Keyring } from './keyring.js';
import { openedCache } from './opened-cache.js';
import { pooledRandomBytes } from './random.js';

const VERSION = 'g1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 96-bit nonce. The AAD binds the ciphertext to where it lives
 * (record key and field name), so ciphertext moved to another record or field fails to open.
 * Format: `g1.<key index>.<base64url(nonce | tag | ciphertext)>`.
 */
export function seal(keyring: Keyring, plaintext: string, aad: string): string {
  const { index, key } = keyring.current('seal');
  const nonce = pooledRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = cipher.update(plaintext, 'utf8');
  cipher.final(); // GCM is a stream mode: final() adds no bytes, it computes the tag
  const packed = Buffer.allocUnsafe(NONCE_BYTES + TAG_BYTES + body.length);
  nonce.copy(packed, 0);
  cipher.getAuthTag().copy(packed, NONCE_BYTES);
  body.copy(packed, NONCE_BYTES + TAG_BYTES);
  const sealed = flat(`${VERSION}.${index}.`, packed.toString('base64url'));
  openedCache(keyring).remember(sealed, aad, plaintext);
  return sealed;
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
  if (typeof sealed !== 'string') return null;
  const cache = openedCache(keyring);
  const cached = cache.get(sealed, aad);
  if (cached !== undefined) return cached;
  const plaintext = decrypt(keyring, sealed, aad);
  if (plaintext !== null) cache.remember(sealed, aad, plaintext);
  return plaintext;
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

function decrypt(keyring: Keyring, sealed: string, aad: string): string | null {
  const first = sealed.indexOf('.');
  const second = sealed.indexOf('.', first + 1);
  if (first < 0 || second < 0 || sealed.slice(0, first) !== VERSION) return null;
  const packed = Buffer.from(sealed.slice(second + 1), 'base64url');
  if (packed.length < NONCE_BYTES + TAG_BYTES) return null;
  // The key index is a hint only; try it first, then the rest (it is not authenticated).
  const hinted = Number(sealed.slice(first + 1, second));
  const keys = keyring.all('seal');
  const order =
    Number.isInteger(hinted) && keys[hinted] ? [keys[hinted], ...keys.filter((k) => k.index !== hinted)] : keys;
  for (const candidate of order) {
    if (!candidate) continue;
    try {
      const decipher = createDecipheriv('aes-256-gcm', candidate.key, packed.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(packed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(packed.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // wrong key or tampered: try the next key
    }
  }
  return null;
}

/** Which keyring entry sealed the value (0 = newest), or -1. Used to reseal under the newest key. */
export function sealedKeyIndex(sealed: string): number {
  const parts = sealed.split('.', 3);
  const n = Number(parts[1]);
  return Number.isInteger(n) ? n : -1;
}
