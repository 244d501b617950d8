import { describe, expect, it } from 'vitest';
import { withCookieLifetime } from '../../src/adapters/express-session/cookie.js';
import { withRequestAttributes } from '../../src/adapters/express-session/cookie-function.js';
import type { CompatSettings } from '../../src/adapters/express-session/options.js';
import { clearingCookie, type SetCookie, serializeSetCookie } from '../../src/cookie/serialize.js';

// The bytes each layer has always sent: structured cookies must serialize to the very same lines.
const session: SetCookie = {
  name: '__Host-sid',
  value: 'abc.def',
  attributes: { path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: 3600.9 },
};
const now = Date.UTC(2026, 0, 1);
const lifetime = (ms: number | null) =>
  ({ maxAge: ms, expires: ms === null ? null : new Date(now + ms) }) as Parameters<typeof withCookieLifetime>[1];

describe('Set-Cookie layout', () => {
  it('lists Path, Domain, Max-Age, Secure, HttpOnly, SameSite for the core cookie', () => {
    expect(serializeSetCookie({ ...session, attributes: { ...session.attributes, domain: 'example.com' } })).toBe(
      '__Host-sid=abc.def; Path=/; Domain=example.com; Max-Age=3600; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('sends an epoch Expires beside Max-Age=0 on a clearing cookie', () => {
    expect(serializeSetCookie(clearingCookie('sid', { secure: false, httpOnly: true, sameSite: 'Strict' }))).toBe(
      'sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
    );
  });

  it('puts the express-session lifetime first, capped by the core Max-Age', () => {
    expect(serializeSetCookie(withCookieLifetime(session, lifetime(86_400_000), now))).toBe(
      '__Host-sid=abc.def; Max-Age=3600; Expires=Thu, 01 Jan 2026 01:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('carries a lifetime under a second by Expires alone, and drops the lifetime of a browser-session cookie', () => {
    expect(serializeSetCookie(withCookieLifetime(session, lifetime(500), now))).toBe(
      '__Host-sid=abc.def; Expires=Thu, 01 Jan 2026 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
    expect(serializeSetCookie(withCookieLifetime(session, lifetime(null), now))).toBe(
      '__Host-sid=abc.def; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('lists a per-request Path, Domain and SameSite last', () => {
    const settings = {
      cookieName: '__Host-sid',
      cookieFor: () => ({}),
      path: '/',
      domain: undefined,
      sameSite: 'strict',
    } as unknown as CompatSettings;
    expect(serializeSetCookie(withRequestAttributes(withCookieLifetime(session, lifetime(null), now), settings))).toBe(
      '__Host-sid=abc.def; Secure; HttpOnly; Path=/; SameSite=Strict',
    );
  });
});
