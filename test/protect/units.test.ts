import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/crypto/keyring.js';
import { requireJson } from '../../src/protect/content-type.js';
import { mintVisitor, signDoubleSubmit, verifyDoubleSubmit } from '../../src/protect/double-submit.js';
import { GuessCounter } from '../../src/protect/guessing.js';
import { samePrefix } from '../../src/protect/ip-prefix.js';
import { resolveProtectOptions } from '../../src/protect/options.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';

const req = (method: string, contentType?: string, extra: Record<string, string> = {}) => ({
  method,
  url: '/api',
  headers: { ...(contentType ? { 'content-type': contentType } : {}), ...extra },
  secure: true,
});

describe('protect units', () => {
  it('double-submit tokens verify for their visitor only, across key rotation', () => {
    const old = new Keyring([SECRET_B]);
    const rotated = new Keyring([SECRET_A, SECRET_B]);
    const v = mintVisitor();
    const token = signDoubleSubmit(old, v);
    expect(verifyDoubleSubmit(rotated, v, token)).toBe(true);
    expect(verifyDoubleSubmit(rotated, mintVisitor(), token)).toBe(false);
    expect(verifyDoubleSubmit(new Keyring([SECRET_A]), v, token)).toBe(false);
    expect(verifyDoubleSubmit(rotated, v, `${token.slice(0, -1)}0`)).toBe(token.endsWith('0'));
    expect(verifyDoubleSubmit(rotated, null, token)).toBe(false);
    expect(signDoubleSubmit(old, v)).not.toBe(token);
  });

  it('requireJson accepts JSON and +json, refuses simple types (415), and enforces an API header (403)', () => {
    expect(requireJson(req('POST', 'application/json; charset=utf-8')).ok).toBe(true);
    expect(requireJson(req('POST', 'application/merge-patch+json')).ok).toBe(true);
    expect(requireJson(req('GET')).ok).toBe(true);
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=a',
      undefined,
    ]) {
      expect(requireJson(req('POST', type))).toMatchObject({ ok: false, status: 415 });
    }
    expect(requireJson(req('POST', 'application/json'), { requireHeader: 'X-Requested-With' })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      requireJson(req('POST', 'application/json', { 'x-requested-with': 'fetch' }), {
        requireHeader: 'X-Requested-With',
      }).ok,
    ).toBe(true);
  });

  it('the guessing counter keeps at most maxClients addresses (bounded memory)', () => {
    const counter = new GuessCounter({ threshold: 3, window: 1000, maxClients: 100 });
    for (let i = 0; i < 10_000; i++) counter.record(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(counter.size).toBe(100);
    expect([counter.record('1.1.1.1', 0), counter.record('1.1.1.1', 0), counter.record('1.1.1.1', 0)]).toEqual([
      false,
      false,
      true,
    ]);
    expect(counter.record('1.1.1.1', 1)).toBe(false);
    expect(counter.record('1.1.1.1', 2000)).toBe(false);
  });

  it('IP prefixes compare per family', () => {
    expect(samePrefix('203.0.113.7', '203.0.113.200', 24, 48)).toBe(true);
    expect(samePrefix('203.0.113.7', '203.0.114.7', 24, 48)).toBe(false);
    expect(samePrefix('::ffff:203.0.113.7', '203.0.113.9', 24, 48)).toBe(true);
    expect(samePrefix('2001:db8:1::1', '2001:db8:1:ffff::2', 24, 48)).toBe(true);
    expect(samePrefix('2001:db8:1::1', '2001:db8:2::1', 24, 48)).toBe(false);
    expect(samePrefix('2001:db8::1', '203.0.113.7', 24, 48)).toBe(false);
  });

  it('protect options are validated at startup', () => {
    expect(() => resolveProtectOptions({ hijack: 'maybe' as never })).toThrow(/hijack/);
    expect(() => resolveProtectOptions({ guessing: { threshold: 0 } })).toThrow(/threshold/);
    expect(() => resolveProtectOptions({ origins: ['https://a.example/path'] })).toThrow(/bare origins/);
    expect(resolveProtectOptions({}).hijack.policy).toBe('event');
  });
});
