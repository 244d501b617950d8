import { CustosError } from '../errors.js';

/**
 * What a keyring accepts and how it names its sub-keys, with no crypto in it: shared by the Node
 * keyring (keyring.ts) and the WebCrypto one (src/edge/web-keys.ts), so both refuse the same
 * secrets and derive the same keys.
 */

/** 256 bits: the floor for a key that signs and seals (NIST SP 800-57 Part 1, AES-256). */
export const MIN_SECRET_BYTES = 32;

/** HKDF-SHA256's `info` for one purpose: each purpose gets its own key from one secret (RFC 5869 §3.2). */
export const hkdfInfo = (purpose: string) => `custos/v1/${purpose}`;

/**
 * The secrets' bytes, newest first (`encode` turns a string into UTF-8 bytes), or a CustosError
 * naming the fix: none given, or one shorter than MIN_SECRET_BYTES.
 */
export function secretBytes<B extends { readonly length: number }>(
  secrets: readonly unknown[],
  encode: (secret: unknown) => B,
): B[] {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new CustosError(
      'NO_SECRETS',
      'secrets must be a non-empty array, newest first. Generate one with `npx custos secret generate`.',
    );
  }
  return secrets.map((secret, i) => {
    const bytes = encode(secret);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new CustosError(
        'SECRET_TOO_SHORT',
        `secrets[${i}] is ${bytes.length} bytes; each secret needs at least ${MIN_SECRET_BYTES} bytes of randomness. Generate one with \`npx custos secret generate\`.`,
      );
    }
    return bytes;
  });
}
