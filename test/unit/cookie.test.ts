import { describe, expect, it } from 'vitest';
import { MAX_COOKIE_HEADER, readCookie } from '../../src/cookie/parse.js';
import { assertCookieRules, serializeClearingCookie, serializeCookie } from '../../src/cookie/serialize.js';
import { CustosError } from '../../src/errors.js';
import { parseDuration } from '../../src/vocabulary/duration.js';

describe('reading the session cookie', () => {
  it('finds one cookie among others, trims, unquotes', () => {
    expect(readCookie('a=1; __Host-sid=abc; b=2', '__Host-sid')).toEqual({ value: 'abc', count: 1 });
    expect(readCookie(' __Host-sid="q" ', '__Host-sid')).toEqual({ value: 'q', count: 1 });
    expect(readCookie(['a=1', '__Host-sid=z'], '__Host-sid')).toEqual({ value: 'z', count: 1 });
  });

  it('TOK-04 yields nothing when the name appears twice, in either order', () => {
    expect(readCookie('__Host-sid=a; __Host-sid=b', '__Host-sid')).toEqual({ value: null, count: 2 });
    expect(readCookie('__Host-sid=b; x=1; __Host-sid=a', '__Host-sid')).toEqual({ value: null, count: 2 });
  });

  it('ignores similar names, empty and oversized headers', () => {
    expect(readCookie('x__Host-sid=a; __Host-sidx=b', '__Host-sid').count).toBe(0);
    expect(readCookie(undefined, 'n')).toEqual({ value: null, count: 0 });
    expect(readCookie('', 'n')).toEqual({ value: null, count: 0 });
    expect(readCookie(`n=${'a'.repeat(MAX_COOKIE_HEADER)}`, 'n')).toEqual({ value: null, count: 0 });
  });
});

describe('writing cookies', () => {
  const base = { secure: true, httpOnly: true, sameSite: 'Lax' as const };

  it('writes a session cookie without Max-Age or Domain by default', () => {
    expect(serializeCookie('__Host-sid', 'v', base)).toBe('__Host-sid=v; Path=/; Secure; HttpOnly; SameSite=Lax');
  });

  it('caps Max-Age at 400 days and writes the clearing cookie with the same attributes', () => {
    expect(serializeCookie('n', 'v', { ...base, maxAge: 10 ** 9 })).toContain('Max-Age=34560000');
    expect(serializeClearingCookie('__Host-sid', base)).toBe(
      '__Host-sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('refuses values that would break the header and cookies over 4096 bytes', () => {
    for (const bad of ['a;b', 'a b', 'a\r\nSet-Cookie: x=1', 'a"b', 'a,b']) {
      expect(() => serializeCookie('n', bad, base)).toThrow(CustosError);
    }
    expect(() => serializeCookie('n', 'a'.repeat(4096), base)).toThrow(/4096/);
  });

  it('CK-04 enforces the prefix rules', () => {
    expect(() => assertCookieRules('__Host-x', { ...base, domain: 'a.test' })).toThrow(/__Host-/);
    expect(() => assertCookieRules('__Host-x', { ...base, secure: false })).toThrow(/__Host-/);
    expect(() => assertCookieRules('__Secure-x', { ...base, secure: false })).toThrow(/__Secure-/);
    expect(() => assertCookieRules('bad name', base)).toThrow(CustosError);
    expect(() => assertCookieRules('__Secure-x', { ...base, domain: 'a b' })).toThrow(CustosError);
    expect(() => assertCookieRules('sid', { ...base, path: 'relative' })).toThrow(CustosError);
    expect(() => assertCookieRules('__Secure-x', { ...base, domain: 'example.test', path: '/app' })).not.toThrow();
  });
});

describe('durations', () => {
  it('reads units and milliseconds', () => {
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration('2s', 'x')).toBe(2000);
    expect(parseDuration('30m', 'x')).toBe(1_800_000);
    expect(parseDuration('12h', 'x')).toBe(43_200_000);
    expect(parseDuration('7d', 'x')).toBe(604_800_000);
    expect(parseDuration('1500', 'x')).toBe(1500);
    expect(parseDuration(10, 'x')).toBe(10);
  });

  it('says which option is wrong', () => {
    expect(() => parseDuration('forever', 'idleTimeout')).toThrow(/idleTimeout/);
    expect(() => parseDuration(Number.NaN, 'x')).toThrow(CustosError);
    expect(() => parseDuration('0s', 'x')).toThrow(CustosError);
    expect(() => parseDuration({} as never, 'x')).toThrow(CustosError);
  });
});

describe('reading the cookie header is linear in its length', () => {
  // Pathological shapes that made an indexOf-per-pair parser quadratic (each pair searched for
  // '=' up to the end of the header), plus a normal header for comparison.
  const shapes: Record<string, (n: number) => string> = {
    'semicolons without =': (n) => ';'.repeat(n),
    'names without =': (n) => 'a;'.repeat(n / 2),
    'spaces then one =': (n) => `${' '.repeat(n - 3)}a=b`,
    'equals only': (n) => '='.repeat(n),
    'one = at the very end': (n) => `${';a'.repeat((n - 2) / 2)}=x`,
    'many matching pairs': (n) => '__Host-sid=v; '.repeat(Math.floor(n / 14)),
    'ordinary cookies': (n) => 'theme=dark; lang=en; '.repeat(Math.floor(n / 21)),
  };
  const work = (text: string) => {
    const meter = { steps: 0 };
    readCookie(text, '__Host-sid', meter);
    return meter.steps;
  };

  for (const [shape, make] of Object.entries(shapes)) {
    it(`${shape}: at most 3 character reads per byte, and double the header is double the work`, () => {
      const half = make(MAX_COOKIE_HEADER / 2);
      const full = make(MAX_COOKIE_HEADER);
      expect(full.length).toBeLessThanOrEqual(MAX_COOKIE_HEADER);
      // Every byte is read at least once: the meter measures the parse, not nothing.
      expect(work(full)).toBeGreaterThanOrEqual(full.length);
      expect(work(full)).toBeLessThanOrEqual(3 * full.length + 3);
      expect(work(full) / work(half)).toBeLessThan(2.1);
    });
  }

  it('keeps the results: names trimmed, values unquoted, duplicates counted', () => {
    expect(readCookie('=x; \t__Host-sid \t= "v" ; y', '__Host-sid')).toEqual({ value: 'v', count: 1 });
    expect(readCookie('__Host-sid=a=b;;', '__Host-sid')).toEqual({ value: 'a=b', count: 1 });
    expect(readCookie(';'.repeat(MAX_COOKIE_HEADER - 13) + '__Host-sid=v', '__Host-sid')).toEqual({
      value: 'v',
      count: 1,
    });
  });
});
