import { randomBytes } from 'node:crypto';
import { decodeBase64url } from '../crypto/base64url.js';
import { safeEqual } from '../crypto/compare.js';

/**
 * Synchronizer tokens (checklist CSRF-02): the session holds one 256-bit secret; every response
 * gets it XOR-masked with a fresh pad, so the bytes on the page differ each time (BREACH) while
 * any of them verifies. Format: base64url(pad | secret XOR pad).
 */
export function maskToken(secret: string): string {
  const raw = Buffer.from(secret, 'base64url');
  const pad = randomBytes(raw.length);
  const masked = Buffer.alloc(raw.length);
  for (let i = 0; i < raw.length; i++) masked[i] = (raw[i] as number) ^ (pad[i] as number);
  return Buffer.concat([pad, masked]).toString('base64url');
}

/** Unmasks a submitted token and compares it with the session's secret in constant time. */
export function verifyMaskedToken(secret: string, submitted: string | undefined | null): boolean {
  if (typeof submitted !== 'string' || submitted.length === 0 || submitted.length > 256) return false;
  const raw = Buffer.from(secret, 'base64url');
  // Only the canonical encoding counts (the shared decoder): base64url's unused low bits and
  // skipped characters would otherwise let many different strings pass as one token.
  const both = decodeBase64url(submitted);
  if (both === null || both.length !== raw.length * 2) return false;
  const unmasked = Buffer.alloc(raw.length);
  for (let i = 0; i < raw.length; i++) unmasked[i] = (both[i] as number) ^ (both[i + raw.length] as number);
  return safeEqual(unmasked, raw);
}
