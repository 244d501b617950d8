import { describe, expect, it } from 'vitest';
import { digestsEqual } from '../../src/crypto/compare.js';
import { sha256 } from '../../src/crypto/hash.js';

describe('digestsEqual (verifier check on every request)', () => {
  it('is true only for identical digests and false, without throwing, for other lengths', () => {
    const a = sha256('secret-a');
    expect(digestsEqual(a, sha256('secret-a'))).toBe(true);
    expect(digestsEqual(a, sha256('secret-b'))).toBe(false);
    expect(digestsEqual(a, a.slice(0, -1))).toBe(false);
    expect(digestsEqual(a, `${a}x`)).toBe(false);
    expect(digestsEqual(a, '')).toBe(false);
    expect(digestsEqual('é', 'ab')).toBe(false);
  });

  it('compares non-ASCII and long values byte for byte, never by truncated code units', () => {
    expect(digestsEqual('é', 'e')).toBe(false);
    expect(digestsEqual('Ł', 'A')).toBe(false);
    expect(digestsEqual('ŁŁ', 'ŁŁ')).toBe(true);
    const long = 'x'.repeat(200);
    expect(digestsEqual(long, 'x'.repeat(200))).toBe(true);
    expect(digestsEqual(long, `${'x'.repeat(199)}y`)).toBe(false);
    expect(digestsEqual('€'.repeat(64), '€'.repeat(64))).toBe(true);
    expect(digestsEqual('€'.repeat(64), `${'€'.repeat(63)}£`)).toBe(false);
  });
});
