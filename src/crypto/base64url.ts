/**
 * Canonical base64url decoding (RFC 4648 §5, no padding) for values that come from a request.
 *
 * `Buffer.from(text, 'base64url')` is lenient: it skips characters outside the alphabet, drops a
 * lone trailing character (length % 4 == 1) and ignores the unused low bits of the last character
 * (RFC 4648 §3.5 allows decoders to reject them; we must, because each is another spelling of the
 * same bytes). Many spellings of one authenticated value make it malleable: a client can present
 * an edited cookie that still verifies. This decoder accepts a text only if encoding its bytes
 * again gives the exact same text, and answers `null` otherwise.
 */

/** Value of each base64url character, or -1 for a character outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Bits of the last character that carry no data, by `length % 4` (RFC 4648 §3.5). */
const UNUSED_BITS_MASK = [0, -1, 0b1111, 0b11] as const;

/** Whether `text` is the one canonical unpadded base64url spelling of some bytes. */
export function isCanonicalBase64url(text: string): boolean {
  if (typeof text !== 'string') return false;
  const mask = UNUSED_BITS_MASK[text.length % 4] as number;
  if (mask < 0) return false; // a lone trailing character encodes no whole byte
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    last = code < 128 ? (VALUES[code] as number) : -1;
    if (last < 0) return false;
  }
  return (last & mask) === 0;
}

/** The bytes of a canonical unpadded base64url text, or `null` for any other text. */
export function decodeBase64url(text: string): Buffer | null {
  return isCanonicalBase64url(text) ? Buffer.from(text, 'base64url') : null;
}
