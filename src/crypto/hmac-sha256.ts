import * as nodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';

type OneShotHash = (algorithm: string, data: string | Buffer, outputEncoding: string) => string;
const oneShot = (nodeCrypto as { hash?: OneShotHash }).hash;

const BLOCK = 64;
const DIGEST = 32;
/** Longest message (UTF-8 bytes) the prepared buffers take; longer ones use `createHmac`. */
const MAX_MESSAGE = 512;

/** A key's inner and outer pads, written once, with room behind them for the message / inner digest. */
interface Prepared {
  readonly inner: Buffer;
  readonly outer: Buffer;
}

const preparedKeys = new WeakMap<Buffer, Prepared>();

function prepare(key: Buffer): Prepared {
  let prepared = preparedKeys.get(key);
  if (prepared) return prepared;
  // RFC 2104: keys longer than a block are hashed first, shorter ones padded with zeros.
  const block = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? nodeCrypto.createHash('sha256').update(key).digest() : key).copy(block);
  const inner = Buffer.alloc(BLOCK + MAX_MESSAGE);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = (block[i] as number) ^ 0x36;
    outer[i] = (block[i] as number) ^ 0x5c;
  }
  prepared = { inner, outer };
  preparedKeys.set(key, prepared);
  return prepared;
}

/**
 * HMAC-SHA-256 of `message` (UTF-8) as base64url, exactly what `createHmac('sha256', key)`
 * gives. Built from two one-shot `crypto.hash()` calls over precomputed pads (RFC 2104):
 * every session request verifies one MAC, and setting up an Hmac object was the largest single
 * item in the read path's profile (bench/, issue 7). Falls back to `createHmac` before Node
 * 20.12 and for messages longer than the prepared buffer. Synchronous, so sharing the
 * per-key buffers between calls is safe.
 */
export function hmacSha256Base64url(key: Buffer, message: string): string {
  if (!oneShot || message.length * 3 > MAX_MESSAGE) {
    return createHmac('sha256', key).update(message).digest('base64url');
  }
  const { inner, outer } = prepare(key);
  const length = inner.write(message, BLOCK, 'utf8');
  const innerDigest = oneShot('sha256', inner.subarray(0, BLOCK + length), 'latin1');
  outer.write(innerDigest, BLOCK, 'latin1');
  return oneShot('sha256', outer, 'base64url');
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The base64url text of the first 16 bytes of a 32-byte digest, from the digest's own base64url
 * text: 21 whole characters (126 bits), then the 22nd keeps its top 2 bits (bits 126-127) and
 * zeroes the 4 that belong to byte 17, as encoding the 16 bytes alone would.
 */
export function first16BytesOfBase64url(digest: string): string {
  const sixBits = BASE64URL.indexOf(digest.charAt(21));
  return digest.slice(0, 21) + BASE64URL.charAt(sixBits & 0b110000);
}
