import { timingSafeEqual } from 'node:crypto';
import { sha256Bytes } from './hash.js';

/**
 * Constant-time string equality. Both sides are hashed first so that inputs of different
 * lengths neither throw (timingSafeEqual does) nor leak their length through timing.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256Bytes(a), sha256Bytes(b));
}
