import { CustosError } from '../errors.js';
import { utf8Bytes } from './web-bytes.js';

/** The same floor as the Node keyring (src/crypto/keyring.ts): 256 bits of secret. */
const MIN_SECRET_BYTES = 32;

/**
 * The AES-256-GCM keys the Node keyring derives for sealing, newest first, derived here with
 * WebCrypto: HKDF-SHA256 (RFC 5869) over each secret, empty salt, info `custos/v1/seal`, 32 bytes.
 * The keys are not extractable and can only decrypt: the edge reader never seals.
 */
export function deriveOpeningKeys(secrets: readonly (string | Uint8Array)[]): Promise<CryptoKey[]> {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new CustosError(
      'NO_SECRETS',
      'secrets must be a non-empty array, newest first: the same secrets the app issues its cookies with.',
    );
  }
  const raw = secrets.map((secret, i) => {
    const bytes = typeof secret === 'string' ? utf8Bytes(secret) : new Uint8Array(secret);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new CustosError(
        'SECRET_TOO_SHORT',
        `secrets[${i}] is ${bytes.length} bytes; each secret needs at least ${MIN_SECRET_BYTES} bytes of randomness.`,
      );
    }
    return bytes;
  });
  const { subtle } = globalThis.crypto;
  return Promise.all(
    raw.map(async (ikm) => {
      const base = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
      const bits = await subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8Bytes('custos/v1/seal') },
        base,
        256,
      );
      return subtle.importKey('raw', bits, 'AES-GCM', false, ['decrypt']);
    }),
  );
}
