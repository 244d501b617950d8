import { afterEach, describe, expect, it, vi } from 'vitest';
import { withSessions } from '../../src/adapters/fetch.js';
import { sealedSessionReader } from '../../src/edge/index.js';
import { CustosError } from '../../src/errors.js';
import { createSessions } from '../../src/index.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';

/**
 * The WebCrypto reader against cookies the Node side really issued (src/adapters/fetch.ts in
 * sealed-cookie mode): what it accepts and what it refuses must match what the app decides.
 */
const OLD = 'edge-reader-old-secret-0123456789abcdefghij';
const NEW = 'edge-reader-new-secret-0123456789abcdefghij';
const MINUTE = 60_000;

let now = Date.UTC(2026, 11, 7, 12);
const clock = () => now;

function app(secrets: string[], timeouts: { idleTimeout?: string; absoluteTimeout?: string } = {}) {
  const manager = createSessions<{ cart: { items: number }; theme: string }>({
    secrets,
    store: cookieStore({ revocation: memoryStore() }),
    clock,
    idleTimeout: timeouts.idleTimeout ?? '10m',
    absoluteTimeout: timeouts.absoluteTimeout ?? '1h',
  });
  const handler = withSessions(manager, async (request, session) => {
    const path = new URL(request.url).pathname;
    if (path === '/login' || path === '/login-pending') {
      await session.login('alice', path === '/login' ? { aal: 2, amr: ['pwd', 'otp'] } : { pending: true });
      session.set('cart', { items: 2 });
      session.set('theme', 'dark');
    }
    if (path === '/anonymous') session.set('theme', 'dark');
    return Response.json({ user: session.userId ?? null, cart: session.get('cart') ?? null });
  });
  /** The session cookie's value after a request to `path` (the one sent, or the one renewed). */
  return async (path: string, cookie?: string): Promise<string | undefined> => {
    const headers = cookie ? { cookie: `__Host-sid=${cookie}` } : undefined;
    const response = await handler(new Request(`https://bank.test${path}`, { headers }));
    const set = response.headers.getSetCookie().find((line) => line.startsWith('__Host-sid='));
    return set ? set.slice('__Host-sid='.length, set.indexOf(';')) || undefined : cookie;
  };
}

const cookieHeader = (value: string) => `theme=x; __Host-sid=${value}`;

afterEach(() => {
  now = Date.UTC(2026, 11, 7, 12);
  vi.restoreAllMocks();
});

describe('sealedSessionReader (custos/edge)', () => {
  it('reads the user, the deadlines and the data of a logged-in sealed cookie, and nothing internal', async () => {
    const request = app([NEW]);
    const cookie = (await request('/login')) as string;
    const reader = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    const read = await reader.read(new Request('https://bank.test/', { headers: { cookie: cookieHeader(cookie) } }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.revocationChecked).toBe(true);
    expect(read.session.userId).toBe('alice');
    expect(read.session.isAuthenticated).toBe(true);
    expect(read.session.auth).toEqual({ aal: 2, amr: ['pwd', 'otp'], pending: false });
    expect(read.session.authenticatedAt).toBe(now);
    expect(read.session.data).toEqual({ cart: { items: 2 }, theme: 'dark' });
    expect(read.session.expiresAt).toBe(now + 10 * MINUTE);
    expect(read.session.absoluteExpiresAt).toBe(now + 60 * MINUTE);
    // The handle is the session's public id, not the cookie value (which is the credential).
    expect(cookie).not.toContain(read.session.handle);
    // Headers and a bare Cookie header value work as well as a Request.
    expect((await reader.read(new Headers({ cookie: cookieHeader(cookie) }))).ok).toBe(true);
    expect((await reader.read(cookieHeader(cookie))).ok).toBe(true);
  });

  it('refuses every edited cookie the app refuses: a flipped character, a respelled base64url tail, another cookie name', async () => {
    const request = app([NEW]);
    const cookie = (await request('/login')) as string;
    const reader = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    const middle = Math.floor(cookie.length / 2);
    const flipped = cookie.slice(0, middle) + (cookie[middle] === 'A' ? 'B' : 'A') + cookie.slice(middle + 1);
    // The last character of an unpadded base64url text carries unused low bits; setting one is
    // another spelling of the same bytes, which both sides must refuse (RFC 4648 §3.5).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const tail = cookie.split('.')[2] as string;
    const unused = [0, 0, 0b1111, 0b11][tail.length % 4] as number;
    const respelled =
      unused === 0 ? undefined : cookie.slice(0, -1) + alphabet[alphabet.indexOf(cookie.at(-1) as string) | 1];
    for (const edited of [flipped, respelled, `g1${cookie.slice(2)}`, `${cookie}A`].filter(Boolean) as string[]) {
      expect(await reader.read(cookieHeader(edited))).toEqual({ ok: false, reason: 'bad-seal' });
      expect(await request('/', edited)).not.toBe(edited); // the app mints a new session instead
    }
    const elsewhere = sealedSessionReader({ secrets: [NEW], clock, cookieName: 'other', isRevoked: () => false });
    expect(await elsewhere.read(`other=${cookie}`)).toEqual({ ok: false, reason: 'bad-seal' });
  });

  it('does not count a half-finished login or an anonymous session as authenticated (checklist FIX-03)', async () => {
    const request = app([NEW]);
    const reader = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    const pending = await reader.read(cookieHeader((await request('/login-pending')) as string));
    expect(pending.ok && pending.session).toMatchObject({
      userId: 'alice',
      isAuthenticated: false,
      auth: { pending: true },
    });
    const anonymous = await reader.read(cookieHeader((await request('/anonymous')) as string));
    expect(anonymous.ok && anonymous.session).toMatchObject({
      userId: null,
      isAuthenticated: false,
      auth: { aal: 0, amr: [], pending: false },
      data: { theme: 'dark' },
    });
  });

  it('answers no-cookie and cookie-repeated without opening anything', async () => {
    const reader = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    expect(await reader.read(undefined)).toEqual({ ok: false, reason: 'no-cookie' });
    expect(await reader.read('theme=dark')).toEqual({ ok: false, reason: 'no-cookie' });
    const cookie = (await app([NEW])('/login')) as string;
    // Two session cookies is a cookie-injection sign (checklist TOK-04): neither is chosen.
    expect(await reader.read(`__Host-sid=${cookie}; __Host-sid=${cookie}`)).toEqual({
      ok: false,
      reason: 'cookie-repeated',
    });
  });

  it('enforces the idle deadline sealed into the cookie, and follows the app when it renews it', async () => {
    const request = app([NEW]);
    const reader = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    const first = (await request('/login')) as string;
    now += 9 * MINUTE;
    const renewed = (await request('/', first)) as string; // past touchAfter: the app reissues
    expect(renewed).not.toBe(first);
    now += 2 * MINUTE;
    expect(await reader.read(cookieHeader(first))).toEqual({ ok: false, reason: 'expired-idle' });
    expect(await request('/', first)).not.toBe(first);
    const read = await reader.read(cookieHeader(renewed));
    expect(read.ok && read.session.userId).toBe('alice');
  });

  it('enforces the absolute deadline however recently the session was used, and a shorter timeout given to it', async () => {
    const request = app([NEW], { idleTimeout: '10m', absoluteTimeout: '15m' });
    const reader = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    let cookie = (await request('/login')) as string;
    const strict = sealedSessionReader({
      secrets: [NEW],
      clock,
      absoluteTimeout: '5m',
      idleTimeout: '1m',
      isRevoked: () => false,
    });
    now += 2 * MINUTE;
    expect(await strict.read(cookieHeader(cookie))).toEqual({ ok: false, reason: 'expired-idle' });
    for (let minute = 2; minute < 14; minute += 2) {
      now += 2 * MINUTE;
      cookie = (await request('/', cookie)) as string;
    }
    expect((await reader.read(cookieHeader(cookie))).ok).toBe(true); // 14 minutes after login
    expect(await strict.read(cookieHeader(cookie))).toEqual({ ok: false, reason: 'expired-absolute' });
    now += 2 * MINUTE; // 16 minutes after login
    expect(await reader.read(cookieHeader(cookie))).toEqual({ ok: false, reason: 'expired-absolute' });
  });

  it('opens cookies sealed under an older secret while that secret is listed, and refuses them once it is dropped', async () => {
    const cookie = (await app([OLD])('/login')) as string;
    const rotated = sealedSessionReader({ secrets: [NEW, OLD], clock, isRevoked: () => false });
    const read = await rotated.read(cookieHeader(cookie));
    expect(read.ok && read.session.data).toEqual({ cart: { items: 2 }, theme: 'dark' });
    const dropped = sealedSessionReader({ secrets: [NEW], clock, isRevoked: () => false });
    expect(await dropped.read(cookieHeader(cookie))).toEqual({ ok: false, reason: 'bad-seal' });
  });

  it('asks isRevoked with the opened session, and without one warns once that logged-out copies still read', async () => {
    const cookie = (await app([NEW])('/login')) as string;
    const asked: string[] = [];
    const reader = sealedSessionReader({
      secrets: [NEW],
      clock,
      isRevoked: async (session) => {
        asked.push(session.userId as string);
        return true;
      },
    });
    expect(await reader.read(cookieHeader(cookie))).toEqual({ ok: false, reason: 'revoked' });
    expect(asked).toEqual(['alice']);

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const unchecked = sealedSessionReader({ secrets: [NEW], clock });
    sealedSessionReader({ secrets: [NEW], clock });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/isRevoked/);
    expect(String(warn.mock.calls[0]?.[0])).not.toContain(NEW);
    const read = await unchecked.read(cookieHeader(cookie));
    expect(read.ok && read.revocationChecked).toBe(false);
  });

  it('refuses a missing or short secret at construction, naming the fix', () => {
    expect(() => sealedSessionReader({ secrets: [] })).toThrow(CustosError);
    expect(() => sealedSessionReader({ secrets: ['short'], isRevoked: () => false })).toThrow(/at least 32 bytes/);
  });
});
