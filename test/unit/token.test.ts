import { describe, expect, it } from 'vitest';
import { mintToken, parseToken, secretVerifier, serializeToken } from '../../src/core/token.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';

const keyring = new Keyring([SECRET_A]);

describe('session tokens', () => {
  it('TOK-01 carries 256 random bits in the secret and 1,000 tokens are all distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const token = mintToken();
      expect(Buffer.from(token.secret, 'base64url')).toHaveLength(32);
      expect(Buffer.from(token.id, 'base64url')).toHaveLength(16);
      seen.add(serializeToken(keyring, token));
    }
    expect(seen.size).toBe(1000);
  });

  it('TOK-02 two tokens minted together share no prefix longer than 2 characters', () => {
    for (let i = 0; i < 200; i++) {
      const a = serializeToken(keyring, mintToken());
      const b = serializeToken(keyring, mintToken());
      let common = 0;
      while (common < a.length && a[common] === b[common]) common++;
      expect(common).toBeLessThanOrEqual(3);
    }
  });

  it('round-trips and reports which key verified it', () => {
    const token = mintToken();
    const parsed = parseToken(keyring, serializeToken(keyring, token));
    expect(parsed).toEqual({ ok: true, token: { id: token.id, secret: token.secret, keyIndex: 0 } });
    const rotated = new Keyring([SECRET_B, SECRET_A]);
    const old = parseToken(rotated, serializeToken(keyring, token));
    expect(old.ok && old.token.keyIndex).toBe(1);
  });

  it('TOK-05 rejects every single-character change, a stripped MAC and swapped parts', () => {
    const a = serializeToken(keyring, mintToken());
    const b = serializeToken(keyring, mintToken());
    for (let i = 0; i < a.length; i++) {
      if (a[i] === '.') continue;
      const flipped = a.slice(0, i) + (a[i] === 'A' ? 'B' : 'A') + a.slice(i + 1);
      expect(parseToken(keyring, flipped).ok).toBe(false);
    }
    expect(parseToken(keyring, a.slice(0, a.lastIndexOf('.'))).ok).toBe(false);
    const [idA, , macA] = a.split('.');
    const [, secretB] = b.split('.');
    expect(parseToken(keyring, `${idA}.${secretB}.${macA}`)).toEqual({ ok: false, reason: 'bad-mac' });
  });

  it('TOK-04 rejects wrong shapes before any MAC work', () => {
    for (const value of ['', 'x', "' OR '1'='1", '../../etc/passwd', '%00', '🍪'.repeat(30), 'a'.repeat(5000)]) {
      expect(parseToken(keyring, value)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('a token signed by a retired key is rejected', () => {
    const other = new Keyring([SECRET_B]);
    expect(parseToken(keyring, serializeToken(other, mintToken()))).toEqual({ ok: false, reason: 'bad-mac' });
  });

  it('STO-01 the verifier is a SHA-256 of the secret, not the secret', () => {
    const { secret } = mintToken();
    const verifier = secretVerifier(secret);
    expect(verifier).not.toContain(secret);
    expect(Buffer.from(verifier, 'base64url')).toHaveLength(32);
  });
});
