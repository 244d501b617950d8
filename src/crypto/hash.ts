import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';

type OneShotHash = (algorithm: string, data: string | Buffer, outputEncoding: string) => string | Buffer;
/**
 * `crypto.hash()` (Node ≥ 20.12) hashes without building a Hash object: the session read path
 * hashes on every request, and object set-up showed in its profile (bench/, issue 7).
 */
const oneShot = (nodeCrypto as { hash?: OneShotHash }).hash;

/** SHA-256, base64url: what a store keeps instead of a token secret. */
export function sha256(input: string): string {
  if (oneShot) return oneShot('sha256', input, 'base64url') as string;
  return createHash('sha256').update(input).digest('base64url');
}

/** SHA-256 as raw bytes (strings are hashed as UTF-8). */
export function sha256Bytes(input: string | Buffer): Buffer {
  if (oneShot) return oneShot('sha256', input, 'buffer') as Buffer;
  return createHash('sha256').update(input).digest();
}
