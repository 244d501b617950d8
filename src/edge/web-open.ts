import { INDEX_PATTERN, LEGACY_SEAL_VERSION, NONCE_BYTES, SEAL_VERSION, TAG_BYTES } from '../crypto/seal-format.js';
import { decodeBase64urlBytes, utf8Bytes, utf8Text } from './web-bytes.js';

export interface WebOpened {
  readonly plaintext: string;
  /** Position of the key that opened it: above 0 means the app will reseal it under the newest. */
  readonly keyIndex: number;
}

/**
 * Opens a value sealed by src/crypto/seal.ts (`g2.<key index>.<base64url(nonce | tag | ciphertext)>`,
 * AES-256-GCM, the header authenticated with the caller's AAD) with WebCrypto. Null when it is
 * garbled, edited, moved (another AAD) or sealed under a key not given. `g1` values, whose AAD
 * left the header out, open only where `legacy` allows them (fields at rest, never a cookie).
 */
export async function openWithWebCrypto(
  keys: readonly CryptoKey[],
  sealed: string,
  aad: string,
  legacy = false,
): Promise<WebOpened | null> {
  if (typeof sealed !== 'string') return null;
  const first = sealed.indexOf('.');
  const second = sealed.indexOf('.', first + 1);
  if (first < 0 || second < 0) return null;
  const version = sealed.slice(0, first);
  if (version !== SEAL_VERSION && !(legacy && version === LEGACY_SEAL_VERSION)) return null;
  const spelled = sealed.slice(first + 1, second);
  if (!INDEX_PATTERN.test(spelled) || Number(spelled) >= keys.length) return null;
  const packed = decodeBase64urlBytes(sealed.slice(second + 1));
  if (packed === null || packed.length < NONCE_BYTES + TAG_BYTES) return null;
  // WebCrypto takes the tag after the ciphertext; the sealed layout puts it first.
  const body = new Uint8Array(packed.length - NONCE_BYTES);
  body.set(packed.subarray(NONCE_BYTES + TAG_BYTES), 0);
  body.set(packed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES), packed.length - NONCE_BYTES - TAG_BYTES);
  const params = {
    name: 'AES-GCM',
    iv: packed.slice(0, NONCE_BYTES),
    additionalData: utf8Bytes(version === LEGACY_SEAL_VERSION ? aad : sealed.slice(0, second + 1) + aad),
    tagLength: TAG_BYTES * 8,
  };
  // The hinted key first: rotation since sealing shifts positions (as in seal.ts).
  const hinted = Number(spelled);
  const order = [hinted, ...keys.map((_, index) => index).filter((index) => index !== hinted)];
  for (const index of order) {
    try {
      const plain = await globalThis.crypto.subtle.decrypt(params, keys[index] as CryptoKey, body);
      const plaintext = utf8Text(new Uint8Array(plain));
      return plaintext === null ? null : { plaintext, keyIndex: index };
    } catch {
      // wrong key or tampered: try the next key
    }
  }
  return null;
}
