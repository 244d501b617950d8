import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { first16BytesOfBase64url, hmacSha256Base64url } from '../../src/crypto/hmac-sha256.js';

const reference = (key: Buffer, message: string) => createHmac('sha256', key).update(message).digest();

describe('hmacSha256Base64url (one-shot HMAC on the token path)', () => {
  it('equals createHmac for keys shorter than, equal to and longer than a block', () => {
    for (const keyLength of [1, 16, 32, 63, 64, 65, 100, 200]) {
      const key = randomBytes(keyLength);
      for (const message of ['', 'a', 'abc.def', 'x'.repeat(66), 'y'.repeat(170), 'z'.repeat(171), 'w'.repeat(2000)]) {
        expect(hmacSha256Base64url(key, message)).toBe(reference(key, message).toString('base64url'));
      }
    }
  });

  it('hashes UTF-8, so non-ASCII messages match too', () => {
    const key = randomBytes(32);
    for (const message of ['é', 'Łódź.🙂', '€'.repeat(170), '\u0000\u00ff\u0100']) {
      expect(hmacSha256Base64url(key, message)).toBe(reference(key, message).toString('base64url'));
    }
  });

  it('gives each key its own result when keys alternate (no pad state leaks between keys)', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    for (let i = 0; i < 20; i++) {
      const message = `m${i}.${'q'.repeat(i * 7)}`;
      expect(hmacSha256Base64url(a, message)).toBe(reference(a, message).toString('base64url'));
      expect(hmacSha256Base64url(b, message)).toBe(reference(b, message).toString('base64url'));
    }
  });

  it('a shorter message after a longer one is not affected by the longer one’s leftover bytes', () => {
    const key = randomBytes(32);
    hmacSha256Base64url(key, 'L'.repeat(150));
    expect(hmacSha256Base64url(key, 'short')).toBe(reference(key, 'short').toString('base64url'));
  });
});

describe('first16BytesOfBase64url', () => {
  it('equals base64url of the first 16 bytes, for many random digests', () => {
    for (let i = 0; i < 2000; i++) {
      const digest = randomBytes(32);
      expect(first16BytesOfBase64url(digest.toString('base64url'))).toBe(digest.subarray(0, 16).toString('base64url'));
    }
  });
});
