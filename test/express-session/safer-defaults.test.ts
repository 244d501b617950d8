import expressSession from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import custosSession, { MemoryStore } from '../../src/adapters/express-session/index.js';
import { isCustosError } from '../../src/errors.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import type { SessionEvent } from '../../src/vocabulary/events.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { manualClock } from '../helpers/clock.js';
import { parseSetCookie } from '../helpers/cookies.js';
import { browser } from './helpers/client.js';
import { Jar, sessionSetCookies } from './helpers/jar.js';
import { README_SECRET, readmeApp, type SessionFactory } from './helpers/readme-app.js';

const session = custosSession as unknown as SessionFactory;
const refusal = (options: Record<string, unknown>) => {
  try {
    custosSession({ secret: README_SECRET, ...options } as never);
  } catch (error) {
    return isCustosError(error) ? error.code : 'not a CustosError';
  }
  return 'accepted';
};

describe('custos/express-session refuses what express-session allows but is unsafe', () => {
  it("honours the README's 'keyboard cat' secret with a warning, but refuses it for sealed cookies", async () => {
    const events: SessionEvent[] = [];
    const app = readmeApp(session, {
      secret: 'keyboard cat',
      custos: { onEvent: (e: SessionEvent) => events.push(e) },
    });
    expect(hasWarned('CUSTOS_SHORT_SECRET')).toBe(true);
    expect(events.map((e) => e.reason)).toContain('short-secret');
    expect(JSON.stringify(events)).not.toContain('keyboard cat');
    const user = browser(app);
    expect((await user.get('/foo')).text).toBe('you viewed this page 1 times');
    expect((await user.get('/foo')).text).toBe('you viewed this page 2 times');
    expect(refusal({ secret: [README_SECRET, 'short old secret'] })).toBe('accepted');
    expect(refusal({ secret: 'keyboard cat', store: cookieStore() })).toBe('SECRET_TOO_SHORT');
    expect(refusal({ secret: undefined })).toBe('INVALID_OPTION');
  });

  it('refuses sameSite none, httpOnly false and a fixed cookie.expires', () => {
    expect(refusal({ cookie: { sameSite: 'none' } })).toBe('INVALID_COOKIE_OPTION');
    expect(refusal({ cookie: { httpOnly: false } })).toBe('INVALID_COOKIE_OPTION');
    expect(refusal({ cookie: { expires: new Date(Date.now() + 1000) } })).toBe('INVALID_COOKIE_OPTION');
    expect(refusal({ cookie: { sameSite: true, secure: 'auto', maxAge: 60_000 } })).toBe('accepted');
  });
});

describe('custos/express-session cookie', () => {
  it('is named by `name` (connect.sid by default) and is always Secure, HttpOnly and SameSite=Lax', async () => {
    const res = await browser(readmeApp(session, { cookie: { secure: 'auto' } })).get('/foo');
    const [cookie] = sessionSetCookies(res.headers);
    expect(cookie?.name).toBe('connect.sid');
    expect(cookie?.attributes.has('secure')).toBe(true);
    expect(cookie?.attributes.has('httponly')).toBe(true);
    expect(cookie?.attributes.get('samesite')).toBe('Lax');
    // Two apps on one host keep two cookies, as with express-session.
    const named = await request(readmeApp(session, { name: 'shop.sid' })).get('/foo');
    expect(parseSetCookie(String((named.headers['set-cookie'] as unknown as string[])[0])).name).toBe('shop.sid');
    // The __Host- prefix (no Domain, Path=/, Secure, enforced by the browser) is one setting away.
    const prefixed = await request(readmeApp(session, { custos: { cookieName: '__Host-sid' } })).get('/foo');
    expect(parseSetCookie(String((prefixed.headers['set-cookie'] as unknown as string[])[0])).name).toBe('__Host-sid');
  });

  it('maps sameSite: true to Strict', async () => {
    const res = await browser(readmeApp(session, { cookie: { sameSite: true } })).get('/foo');
    expect(sessionSetCookies(res.headers)[0]?.attributes.get('samesite')).toBe('Strict');
  });

  it("is never issued over plain HTTP to a non-loopback host, secure unset, 'auto' or true", async () => {
    for (const secure of [undefined, 'auto', true]) {
      const app = readmeApp(session, { cookie: { secure } });
      const res = await request(app).get('/foo').set('host', 'app.example.com');
      expect(res.status).toBe(200);
      expect(sessionSetCookies(res.headers)).toHaveLength(0);
      // an explicit save() reports HTTPS_REQUIRED (403) instead of silently storing nothing
      const login = await request(app).post('/login').set('host', 'app.example.com').type('form').send({ user: 'x' });
      expect(login.status).toBe(403);
      expect(sessionSetCookies(login.headers).filter((c) => c.value !== '')).toHaveLength(0);
    }
  });

  it('proxy: true believes X-Forwarded-Proto only from a trusted (loopback) proxy', async () => {
    const behindProxy = (options: Record<string, unknown>) =>
      request(readmeApp(session, options)).get('/foo').set('host', 'app.example.com').set('x-forwarded-proto', 'https');
    expect(sessionSetCookies((await behindProxy({ proxy: true })).headers)).toHaveLength(1);
    expect(sessionSetCookies((await behindProxy({ proxy: false })).headers)).toHaveLength(0);
    const stranger = { proxy: true, custos: { trustedProxies: ['192.0.2.1'] } };
    expect(sessionSetCookies((await behindProxy(stranger)).headers)).toHaveLength(0);
  });

  it("proxy unset follows Express's trust proxy setting", async () => {
    const app = readmeApp(session);
    const call = () => request(app).get('/foo').set('host', 'app.example.com').set('x-forwarded-proto', 'https');
    expect(sessionSetCookies((await call()).headers)).toHaveLength(0);
    app.set('trust proxy', 'loopback');
    expect(sessionSetCookies((await call()).headers)).toHaveLength(1);
  });

  it('caps a per-session cookie lifetime at the 12 h absolute timeout', async () => {
    const res = await browser(readmeApp(session, { cookie: { maxAge: 60_000 } })).get('/remember/168');
    const maxAge = Number(sessionSetCookies(res.headers)[0]?.attributes.get('max-age'));
    expect(maxAge).toBeLessThanOrEqual(12 * 3600);
    expect(maxAge).toBeGreaterThan(12 * 3600 - 5);
  });
});

describe('custos/express-session ids and old cookies', () => {
  it('ignores genid: ids come from the CSPRNG and the cookie is not the id', async () => {
    const app = readmeApp(session, { genid: () => 'chosen-by-attacker' });
    const user = browser(app);
    await user.get('/foo');
    const { id } = (await user.get('/facts')).body;
    expect(id).not.toBe('chosen-by-attacker');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(user.jar.cookies.get('connect.sid')).not.toBe(id);
    expect(hasWarned('CUSTOS_GENID_IGNORED')).toBe(true);
  });

  it('with its own cookieName converts the old connect.sid cookie once and clears it', async () => {
    const shared = new expressSession.MemoryStore();
    const before = browser(readmeApp(expressSession as unknown as SessionFactory, { store: shared }));
    await before.post('/login', { user: 'alice' });
    expect(before.jar.cookies.has('connect.sid')).toBe(true);
    const after = browser(readmeApp(session, { store: shared, custos: { cookieName: '__Host-sid' } }), before.jar);
    const res = await after.get('/');
    expect(res.text).toContain('hello, alice');
    const cleared = (res.headers['set-cookie'] as unknown as string[])
      .map(parseSetCookie)
      .find((c) => c.name === 'connect.sid');
    expect(cleared?.value).toBe('');
    expect(cleared?.attributes.get('max-age')).toBe('0');
    expect(after.jar.cookies.has('connect.sid')).toBe(false);
    expect(after.jar.cookies.has('__Host-sid')).toBe(true);
    expect((await after.get('/')).text).toContain('hello, alice');
  });
});

describe('custos/express-session timeouts and logout', () => {
  it('ends an active session at the 12 h absolute timeout, which express-session does not have', async () => {
    const clock = manualClock(Date.now());
    const user = browser(readmeApp(session, { custos: { clock } }));
    await user.post('/login', { user: 'erin' });
    for (let t = 0; t < 11 * 3 + 2; t++) {
      clock.advance(20 * 60_000);
      expect((await user.get('/')).text).toContain('hello, erin');
    }
    clock.advance(60 * 60_000 - 20 * 60_000 * 2 + 60_000);
    // 12 h 1 min after login, active all along
    expect((await user.get('/')).text).toContain('<form');
  });

  it('without cookie.maxAge ends a session idle for 30 minutes; with it, after maxAge', async () => {
    const clock = manualClock(Date.now());
    const plain = browser(readmeApp(session, { custos: { clock } }));
    await plain.post('/login', { user: 'frank' });
    clock.advance(29 * 60_000);
    expect((await plain.get('/')).text).toContain('hello, frank');
    clock.advance(30 * 60_000);
    expect((await plain.get('/')).text).toContain('<form');

    const short = browser(readmeApp(session, { cookie: { maxAge: 5 * 60_000 }, custos: { clock } }), new Jar());
    await short.post('/login', { user: 'frank' });
    const jar = short.jar.clone();
    clock.advance(5 * 60_000 + 1);
    expect((await browser(readmeApp(session), jar).get('/')).text).toContain('<form');
  });

  it('destroy clears only the session cookie; Clear-Site-Data is opt-in', async () => {
    const user = browser(readmeApp(session));
    await user.get('/foo');
    const res = await user.get('/destroy');
    expect(res.headers['clear-site-data']).toBeUndefined();
    expect(sessionSetCookies(res.headers)[0]?.value).toBe('');
    expect(res.headers['cache-control']).toBe('no-store');
    const opted = browser(readmeApp(session, { custos: { clearSiteData: ['"cookies"'] } }));
    await opted.get('/foo');
    expect((await opted.get('/destroy')).headers['clear-site-data']).toBe('"cookies"');
  });

  it('revokeAll through middleware.manager ends every session', async () => {
    const middleware = custosSession({ secret: README_SECRET });
    const app = readmeApp(() => middleware);
    const user = browser(app);
    await user.post('/login', { user: 'gina' });
    await middleware.manager.revokeAll();
    expect((await user.get('/')).text).toContain('<form');
  });
});

describe('custos/express-session storage', () => {
  it('refuses keys starting with $ (reserved by custos): the request fails and nothing is stored', async () => {
    const app = readmeApp(session);
    const user = browser(app);
    await user.get('/foo');
    const res = await user.get('/set/$csrf');
    expect(res.status).toBe(500);
    expect((await user.get('/keys')).body).toEqual(['views']);
  });

  it('stores sealed data in an express-session store: no plaintext value, no cookie secret', async () => {
    const store = new MemoryStore();
    const user = browser(readmeApp(session, { store }));
    await user.post('/login', { user: 'alice-in-plaintext' });
    const raw = await new Promise<Record<string, unknown>>((resolve) =>
      store.all((_e, all) => resolve((all ?? {}) as Record<string, unknown>)),
    );
    const dump = JSON.stringify(raw);
    expect(Object.keys(raw).length).toBeGreaterThan(0);
    expect(dump).toContain('"custos"');
    expect(dump).not.toContain('alice-in-plaintext');
    const [, secret] = (user.jar.cookies.get('connect.sid') ?? '').split('.');
    expect(secret?.length).toBeGreaterThan(20);
    expect(dump).not.toContain(secret as string);
  });

  it('accepts a custos store directly', async () => {
    const { memoryStore } = await import('../../src/stores/memory/index.js');
    const store = memoryStore();
    const user = browser(readmeApp(session, { store }));
    await user.get('/foo');
    expect(await store.count()).toBe(1);
    await store.close();
  });
});
