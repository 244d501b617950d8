import { hkdfInfo, secretBytes } from '../crypto/secret-rules.js';
import { utf8Bytes } from './web-bytes.js';

/**
 * The AES-256-GCM keys the Node keyring derives for sealing, newest first, derived here with
 * WebCrypto: HKDF-SHA256 (RFC 5869) over each secret, empty salt, info `custos/v1/seal`, 32 bytes.
 * The keys are not extractable and can only decrypt: the edge reader never seals.
 */
export function deriveOpeningKeys(secrets: readonly (string | Uint8Array)[]): Promise<CryptoKey[]> {
  const raw = secretBytes(secrets, (secret) =>
    typeof secret === 'string' ? utf8Bytes(secret) : new Uint8Array(secret as Uint8Array),
  );
  const { subtle } = globalThis.crypto;
  return Promise.all(
    raw.map(async (ikm) => {
      const base = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
      const bits = await subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8Bytes(hkdfInfo('seal')) },
        base,
        256,
      );
      return subtle.importKey('raw', bits, 'AES-GCM', false, ['decrypt']);
    }),
  );
}
