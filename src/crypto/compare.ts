import { timingSafeEqual } from 'node:crypto';
import { sha256Bytes } from './hash.js';

/**
 * Constant-time string equality. Both sides are hashed first so that inputs of different
 * lengths neither throw (timingSafeEqual does) nor leak their length through timing.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256Bytes(a), sha256Bytes(b));
}

/**
 * Constant-time equality of two digests whose length is public (e.g. a stored SHA-256 verifier
 * against a fresh one): no hashing needed. Different lengths are simply unequal.
 */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
