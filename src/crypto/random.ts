import { randomFillSync } from 'node:crypto';

/**
 * Random bytes are drawn from the CSPRNG 4 KiB at a time and handed out once each, like Node's
 * own `randomUUID()` cache: a synchronous `randomBytes()` per token or nonce was the largest
 * single item in the write path's profile (bench/, issue 7). A byte is never handed out twice.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `bytes` fresh random bytes (at most 256), as a view into the pool: use or copy them at once,
 * never keep the view (its bytes are overwritten when the pool refills).
 */
export function pooledRandomBytes(bytes: number): Buffer {
  if (bytes > 256) throw new RangeError('pooledRandomBytes takes at most 256 bytes');
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const view = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return view;
}

/** `bytes` bytes from the CSPRNG, base64url without padding. */
export function randomToken(bytes: number): string {
  return pooledRandomBytes(bytes).toString('base64url');
}
