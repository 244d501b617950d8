import { createHash, createHmac } from 'node:crypto';

/** SHA-256, base64url: what a store keeps instead of a token secret. */
export function sha256(input: string): string {
  return createHash('sha256').update(input).digest('base64url');
}

export function hmac(key: Buffer, input: string, length = 32): Buffer {
  const mac = createHmac('sha256', key).update(input).digest();
  return length === 32 ? mac : mac.subarray(0, length);
}
