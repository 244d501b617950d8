import { describe, expect, it } from 'vitest';
import { randomToken } from '../../src/crypto/random.js';
import { maskToken, verifyMaskedToken } from '../../src/protect/csrf-token.js';

describe('masked synchronizer tokens', () => {
  const secret = randomToken(32);

  it('every masked copy differs and verifies', () => {
    const a = maskToken(secret);
    const b = maskToken(secret);
    expect(a).not.toBe(b);
    expect(verifyMaskedToken(secret, a)).toBe(true);
    expect(verifyMaskedToken(secret, b)).toBe(true);
    expect(verifyMaskedToken(randomToken(32), a)).toBe(false);
  });

  it('refuses every other spelling of a valid token: changed padding bits, added junk, wrong length', () => {
    for (let i = 0; i < 200; i++) {
      const token = maskToken(secret);
      const last = token.at(-1) as string;
      // Same top bits, different unused low bits: decodes to the same bytes, must still fail.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const index = alphabet.indexOf(last);
      const twin = alphabet[(index & ~0b1111) | ((index + 1) & 0b1111)] as string;
      expect(verifyMaskedToken(secret, token.slice(0, -1) + twin)).toBe(false);
    }
    const token = maskToken(secret);
    for (const bad of [
      `${token}=`,
      ` ${token}`,
      `${token.slice(0, 40)}.${token.slice(40)}`,
      token.slice(1),
      '',
      'x'.repeat(300),
    ]) {
      expect(verifyMaskedToken(secret, bad)).toBe(false);
    }
    expect(verifyMaskedToken(secret, undefined)).toBe(false);
    expect(verifyMaskedToken(secret, null)).toBe(false);
  });
});
