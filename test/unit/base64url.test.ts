import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, isCanonicalBase64url } from '../../src/crypto/base64url.js';

describe('canonical base64url (RFC 4648 §5, §3.5)', () => {
  it('decodes what Buffer encodes, for every length and byte', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      const text = bytes.toString('base64url');
      expect(decodeBase64url(text)?.equals(bytes)).toBe(true);
    }
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(decodeBase64url(all.toString('base64url'))?.equals(all)).toBe(true);
  });

  it('refuses a lone trailing character (length % 4 == 1), which Buffer.from silently drops', () => {
    const text = randomBytes(33).toString('base64url'); // 44 characters
    expect(Buffer.from(`${text}A`, 'base64url').equals(Buffer.from(text, 'base64url'))).toBe(true);
    for (const extra of ['A', 'Q', '_', '-']) expect(decodeBase64url(text + extra)).toBeNull();
    expect(decodeBase64url('A')).toBeNull();
  });

  it('refuses non-zero unused low bits of the last character, which Buffer.from ignores', () => {
    // 16 bytes = 22 characters: the last carries 2 data bits and 4 unused bits.
    const two = Buffer.alloc(16).toString('base64url');
    expect(two.endsWith('A')).toBe(true);
    for (const ch of 'BCDEFGHIJKLMNOP') {
      expect(Buffer.from(two.slice(0, -1) + ch, 'base64url').equals(Buffer.alloc(16))).toBe(true);
      expect(decodeBase64url(two.slice(0, -1) + ch)).toBeNull();
    }
    expect(decodeBase64url(`${two.slice(0, -1)}Q`)).not.toBeNull(); // Q = 010000: a data bit
    // 32 bytes = 43 characters: the last carries 4 data bits and 2 unused bits.
    const four = Buffer.alloc(32).toString('base64url');
    for (const ch of 'BCD') expect(decodeBase64url(four.slice(0, -1) + ch)).toBeNull();
    expect(decodeBase64url(`${four.slice(0, -1)}E`)).not.toBeNull();
  });

  it('refuses every character outside the alphabet, padding, whitespace and standard base64', () => {
    const text = randomBytes(30).toString('base64url'); // 40 characters, no unused bits
    for (const bad of ['=', '+', '/', ' ', '\n', '.', '%', '\u0000', 'é', '\u{1F600}']) {
      expect(decodeBase64url(text.slice(0, 20) + bad + text.slice(20))).toBeNull();
      expect(decodeBase64url(text + bad)).toBeNull();
    }
    expect(decodeBase64url('AAA=')).toBeNull();
    expect(decodeBase64url('AA==')).toBeNull();
    expect(isCanonicalBase64url(42 as never)).toBe(false);
  });

  it('accepts a text exactly when re-encoding its bytes gives the same text', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ';
    for (let i = 0; i < 5000; i++) {
      const length = 1 + (i % 9);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(Math.random() * alphabet.length)];
      const lenient = Buffer.from(text, 'base64url').toString('base64url');
      expect(isCanonicalBase64url(text)).toBe(lenient === text);
    }
  });
});
