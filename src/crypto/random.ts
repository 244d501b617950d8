import { randomBytes } from 'node:crypto';

/** `bytes` bytes from the CSPRNG, base64url without padding. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
