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
  if (a.length !== b.length) return false;
  if (a.length > DIGEST_SCRATCH / 6) {
    const x = Buffer.from(a, 'utf8');
    const y = Buffer.from(b, 'utf8');
    return x.length === y.length && timingSafeEqual(x, y);
  }
  // Every request compares one verifier: write both into one reused buffer instead of two new ones.
  const x = digestScratch.write(a, 0, DIGEST_SCRATCH / 2, 'utf8');
  const y = digestScratch.write(b, DIGEST_SCRATCH / 2, DIGEST_SCRATCH / 2, 'utf8');
  return (
    x === y &&
    timingSafeEqual(digestScratch.subarray(0, x), digestScratch.subarray(DIGEST_SCRATCH / 2, DIGEST_SCRATCH / 2 + y))
  );
}

/** Two halves of 192 bytes: room for any UTF-8 string of up to 64 characters each. */
const DIGEST_SCRATCH = 384;
const digestScratch = Buffer.alloc(DIGEST_SCRATCH);
