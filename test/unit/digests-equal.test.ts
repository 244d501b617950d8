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
});
