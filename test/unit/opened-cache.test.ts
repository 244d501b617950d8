import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/crypto/keyring.js';
import { OPENED_CACHE_ENTRIES } from '../../src/crypto/opened-cache.js';
import { open, openField, seal } from '../../src/crypto/seal.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';

// The opened-ciphertext cache (bench issue 7) must never change what open() answers.
describe('open() with the opened-ciphertext cache', () => {
  it('answers a remembered ciphertext only under the AAD it was sealed with', () => {
    const keyring = new Keyring([SECRET_A]);
    const sealed = seal(keyring, '"hello"', 'id1\u0000name');
    expect(open(keyring, sealed, 'id1\u0000name')).toBe('"hello"');
    expect(open(keyring, sealed, 'id2\u0000name')).toBeNull();
    expect(open(keyring, sealed, 'id1\u0000other')).toBeNull();
  });

  it('openField answers a cached field only for the exact id and name (no AAD is built on a hit)', () => {
    const keyring = new Keyring([SECRET_A]);
    const sealed = seal(keyring, '"v"', 'ab\u0000c');
    expect(openField(keyring, sealed, 'ab', 'c')).toBe('"v"');
    // Same characters, other boundary: "a\0bc" is another AAD and must not open.
    expect(openField(keyring, sealed, 'a', 'bc')).toBeNull();
    expect(openField(keyring, sealed, 'ab', 'd')).toBeNull();
    expect(openField(keyring, sealed, 'xb', 'c')).toBeNull();
    expect(openField(keyring, sealed, 'ab', 'cc')).toBeNull();
    expect(openField(keyring, sealed, 'ab\u0000', 'c')).toBeNull();
    expect(openField(keyring, 42 as unknown as string, 'ab', 'c')).toBeNull();
  });

  it('openField decrypts on a cache miss, with the field AAD', () => {
    const keyring = new Keyring([SECRET_A]);
    const sealed = seal(new Keyring([SECRET_A]), '"cold"', 'id9\u0000n');
    expect(openField(keyring, sealed, 'id9', 'n')).toBe('"cold"');
    expect(openField(new Keyring([SECRET_A]), sealed, 'id9', 'm')).toBeNull();
  });

  it('still rejects an edited ciphertext after the original was opened', () => {
    const keyring = new Keyring([SECRET_A]);
    const sealed = seal(keyring, '"hello"', 'aad');
    expect(open(keyring, sealed, 'aad')).toBe('"hello"');
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    const edited = `${sealed.slice(0, -2)}${last}${sealed.slice(-1)}`;
    expect(open(keyring, edited, 'aad')).toBeNull();
  });

  it('is per keyring: another keyring without the key cannot open a cached ciphertext', () => {
    const withKey = new Keyring([SECRET_A]);
    const sealed = seal(withKey, '"secret"', 'aad');
    expect(open(withKey, sealed, 'aad')).toBe('"secret"');
    expect(open(new Keyring([SECRET_B]), sealed, 'aad')).toBeNull();
    expect(open(new Keyring([SECRET_B, SECRET_A]), sealed, 'aad')).toBe('"secret"');
  });

  it('opens correctly after its entry was dropped, and keeps hot entries through churn', () => {
    const keyring = new Keyring([SECRET_A]);
    const first = seal(keyring, '"first"', 'aad-first');
    const hot = seal(keyring, '"hot"', 'aad-hot');
    for (let i = 0; i < OPENED_CACHE_ENTRIES + 10; i++) {
      seal(keyring, `${i}`, `aad-${i}`);
      if (i % 1000 === 0) expect(open(keyring, hot, 'aad-hot')).toBe('"hot"');
    }
    expect(open(keyring, first, 'aad-first')).toBe('"first"');
    expect(open(keyring, first, 'aad-hot')).toBeNull();
    expect(open(keyring, hot, 'aad-hot')).toBe('"hot"');
  });
});
