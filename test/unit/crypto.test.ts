import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeEqual } from '../../src/crypto/compare.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { open, openSealed, seal } from '../../src/crypto/seal.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';

describe('keyring', () => {
  it('derives a different key per purpose and per secret', () => {
    const ring = new Keyring([SECRET_A, SECRET_B]);
    const keys = (['mac', 'seal', 'csrf', 'log'] as const).flatMap((p) =>
      ring.all(p).map((k) => k.key.toString('hex')),
    );
    expect(new Set(keys).size).toBe(8);
    expect(ring.size).toBe(2);
    expect(ring.current('seal').index).toBe(0);
  });

  it('accepts Buffer secrets', () => {
    expect(new Keyring([Buffer.alloc(32, 7)]).size).toBe(1);
  });
});

describe('sealing', () => {
  const ring = new Keyring([SECRET_A]);

  it('round-trips and never shows the plaintext', () => {
    const sealed = seal(ring, '{"card":"CANARY-9f3a"}', 'id\u0000card');
    expect(sealed).not.toContain('CANARY');
    expect(open(ring, sealed, 'id\u0000card')).toBe('{"card":"CANARY-9f3a"}');
  });

  it('uses a fresh nonce for every seal', () => {
    expect(seal(ring, 'same', 'aad')).not.toBe(seal(ring, 'same', 'aad'));
  });

  it('STO-02 opens nothing when the ciphertext is edited, moved or garbled', () => {
    const sealed = seal(ring, 'value', 'session-x\u0000field');
    const body = sealed.slice(sealed.lastIndexOf('.') + 1);
    // Character 5 always changes (to 'B' if it was 'A', else to 'A'): nonce bits, never padding bits.
    const flipped = sealed.slice(0, -body.length) + body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6);
    expect(flipped).not.toBe(sealed);
    expect(flipped.length).toBe(sealed.length);
    expect(open(ring, flipped, 'session-x\u0000field')).toBeNull();
    expect(open(ring, sealed, 'session-y\u0000field')).toBeNull();
    expect(open(ring, sealed, 'session-x\u0000other')).toBeNull();
    for (const garbage of ['', 'g1', 'g1.0.', 'g2.0.AAAA', 'g3.0.AAAA', 'g1.x.AAAA', 'g1.0.!!!!'])
      expect(open(ring, garbage, 'a')).toBeNull();
    expect(open(ring, 42 as never, 'a')).toBeNull();
  });

  it('opens values sealed under an older key, and seals new ones under the newest', () => {
    const old = new Keyring([SECRET_B]);
    const sealedOld = seal(old, 'v', 'aad');
    const rotated = new Keyring([SECRET_A, SECRET_B]);
    expect(open(rotated, sealedOld, 'aad')).toBe('v');
    // Which key opened it, not what the value says: the old key is now at position 1.
    expect(openSealed(new Keyring([SECRET_A, SECRET_B]), sealedOld, 'aad')?.keyIndex).toBe(1);
    expect(openSealed(rotated, seal(rotated, 'v', 'aad'), 'aad')?.keyIndex).toBe(0);
    expect(openSealed(rotated, 'nonsense', 'aad')).toBeNull();
    expect(open(new Keyring([SECRET_A]), sealedOld, 'aad')).toBeNull();
  });
});

describe('values sealed before the header was authenticated (g1)', () => {
  /** A `g1` value as earlier versions wrote it: only the caller's AAD is authenticated. */
  function legacySeal(ring: Keyring, plaintext: string, aad: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', ring.current('seal').key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `g1.0.${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  it('still open at rest, under the exact index and the canonical body only', () => {
    const ring = new Keyring([SECRET_A, SECRET_B]);
    const sealed = legacySeal(ring, 'kept', 'id\u0000f');
    expect(open(ring, sealed, 'id\u0000f')).toBe('kept');
    expect(open(ring, sealed, 'id\u0000g')).toBeNull();
    for (const index of ['00', '01', '2', '+0'])
      expect(open(ring, sealed.replace(/^g1\.0\./, `g1.${index}.`), 'id\u0000f')).toBeNull();
    expect(open(ring, `${sealed}A`, 'id\u0000f')).toBeNull();
    // g2 authenticates its header: a g1 body relabelled g2 does not open, nor the reverse.
    expect(open(ring, sealed.replace(/^g1/, 'g2'), 'id\u0000f')).toBeNull();
    expect(open(ring, seal(ring, 'new', 'a').replace(/^g2/, 'g1'), 'a')).toBeNull();
  });
});

describe('constant-time comparison', () => {
  it('compares values of any length without throwing', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.from('x'), Buffer.from('x'))).toBe(true);
  });
});
