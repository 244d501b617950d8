import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory/index.js';
import { parseSetCookie, setCookies } from '../helpers/cookies.js';
import { buildBank, client, Jar, login } from './helpers/bank.js';

const FRAMEWORK_NAMES = ['connect.sid', 'PHPSESSID', 'JSESSIONID', 'ASP.NET_SessionId'];
const sidCookie = (res: { headers: Record<string, unknown> }) =>
  setCookies(res.headers)
    .map(parseSetCookie)
    .find((c) => c.name === '__Host-sid');
const randomId = () =>
  `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

describe('tokens and cookies (checklist §1, §2)', () => {
  it('TOK-01 ids are unique, carry ≥128 random bits, with no shared prefix', async () => {
    const bank = buildBank();
    const values = new Set<string>();
    for (let i = 0; i < 60; i++) values.add((await login(bank, 'alice')).jar.sid as string);
    expect(values.size).toBe(60);
    for (const v of values) {
      const [id, secret] = v.split('.') as [string, string];
      expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(Buffer.from(id, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
    const firsts = new Set([...values].map((v) => v.slice(0, 3)));
    expect(firsts.size).toBeGreaterThan(50);
  });

  it('TOK-02 the cookie value carries no user id, JSON or timestamp', async () => {
    const bank = buildBank();
    const { jar } = await login(bank, 'alice');
    const value = jar.sid as string;
    for (const part of value.split('.')) {
      const decoded = Buffer.from(part, 'base64url').toString('latin1');
      expect(decoded).not.toContain('alice');
      expect(() => JSON.parse(decoded)).toThrow();
      expect(decoded).not.toContain(String(bank.clock()).slice(0, 8));
    }
  });

  it('TOK-03 an attacker-chosen id is never adopted: 401, a different id on login, unknown-id event', async () => {
    const bank = buildBank();
    const c = client(bank);
    const planted = new Jar();
    const attacker = randomId();
    planted.cookies.set('__Host-sid', attacker);
    expect((await c.get('/me', planted)).status).toBe(401);
    const { jar } = await login(bank, 'alice', planted);
    expect(jar.sid).not.toBe(attacker);
    const replay = new Jar();
    replay.cookies.set('__Host-sid', attacker);
    expect((await c.get('/me', replay)).status).toBe(401);
    expect(bank.events.some((e) => e.type === 'tampered' || e.type === 'unknown-id')).toBe(true);
  });

  it('TOK-04 hostile cookie values give 401, never 5xx, never reflected; duplicate names are refused', async () => {
    const bank = buildBank();
    const c = client(bank);
    for (const bad of [
      'A'.repeat(5000),
      "' OR '1'='1",
      '../../etc/passwd',
      '%00',
      '%F0%9F%8D%AA',
      '{"$ne":null}',
      '',
    ]) {
      const jar = new Jar();
      jar.cookies.set('__Host-sid', bad);
      const res = await c.get('/me', jar);
      expect(res.status).toBe(401);
      if (bad) expect(res.text + JSON.stringify(res.headers)).not.toContain(bad);
    }
    const { jar } = await login(bank);
    const victim = jar.sid as string;
    const attacker = (await login(bank, 'bob')).jar.sid as string;
    for (const header of [
      `__Host-sid=${victim}; __Host-sid=${attacker}`,
      `__Host-sid=${attacker}; __Host-sid=${victim}`,
    ]) {
      const res = await c.get('/me', undefined, { cookie: header });
      expect(res.status).toBe(401);
    }
    expect(bank.events.some((e) => e.type === 'duplicate-cookie')).toBe(true);
  });

  it('TOK-05 a flipped id, flipped MAC, stripped MAC or swapped id all give 401', async () => {
    const bank = buildBank();
    const c = client(bank);
    const [id, secret, mac] = ((await login(bank)).jar.sid as string).split('.') as [string, string, string];
    const [otherId] = ((await login(bank, 'bob')).jar.sid as string).split('.') as [string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const forged of [
      `${flip(id)}.${secret}.${mac}`,
      `${id}.${secret}.${flip(mac)}`,
      `${id}.${secret}`,
      `${otherId}.${secret}.${mac}`,
    ]) {
      const jar = new Jar();
      jar.cookies.set('__Host-sid', forged);
      expect((await c.get('/me', jar)).status).toBe(401);
    }
  });

  it('TOK-06 the default cookie name is generic and __Host- prefixed', async () => {
    const bank = buildBank();
    const { res } = await login(bank);
    const cookie = sidCookie(res);
    expect(cookie?.name).toMatch(/^__Host-/);
    expect(FRAMEWORK_NAMES).not.toContain(cookie?.name);
  });

  it('CK-01 CK-02 CK-04 CK-05 CK-06 every session Set-Cookie (start, login, rotation, logout) is Secure, HttpOnly, SameSite, Path=/, host-only, non-persistent', async () => {
    const bank = buildBank();
    const c = client(bank);
    const jar = new Jar();
    const seen: string[] = [];
    const collect = (res: { headers: Record<string, unknown> }) => seen.push(...setCookies(res.headers));
    collect(await c.send('post', '/cart', jar, { item: 'a', _csrf: await c.token(jar) }));
    collect(
      await c.send('post', '/login', jar, { username: 'alice', password: 'alice-pw', _csrf: await c.token(jar) }),
    );
    collect(await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: await c.token(jar) }));
    const body = (await c.get('/me', jar)).text + (await c.get('/sessions', jar)).text;
    expect(body).not.toContain((jar.sid as string).split('.')[1]);
    collect(await c.send('post', '/logout', jar, { _csrf: await c.token(jar) }));
    const sessions = seen.map(parseSetCookie).filter((s) => s.name === '__Host-sid');
    expect(sessions.length).toBe(4);
    for (const s of sessions) {
      expect(s.attributes.has('secure')).toBe(true);
      expect(s.attributes.has('httponly')).toBe(true);
      expect(['lax', 'strict']).toContain(s.attributes.get('samesite')?.toLowerCase());
      expect(s.attributes.get('path')).toBe('/');
      expect(s.attributes.has('domain')).toBe(false);
    }
    for (const s of sessions.slice(0, 3)) {
      expect(s.attributes.has('max-age')).toBe(false);
      expect(s.attributes.has('expires')).toBe(false);
    }
  });

  it('CK-03 CK-04 SameSite=None and __Host- with a Domain refuse to start', () => {
    expect(() => buildBank({ cookie: { sameSite: 'none' as never } })).toThrow(/sameSite/);
    expect(() => buildBank({ cookie: { domain: 'bank.example' } })).toThrow(/__Host-/);
  });

  it('CK-05 a configured Domain is reported at startup as a scope widening', () => {
    const bank = buildBank({ cookie: { name: '__Secure-sid', domain: 'bank.example' } });
    expect(bank.events.map((e) => e.reason)).toContain('cookie-domain-widens-scope');
  });

  it('CK-06 a persistent cookie never outlives the remaining absolute lifetime', async () => {
    const bank = buildBank({ cookie: { persistent: true }, absoluteTimeout: '1h', idleTimeout: '30m' });
    const c = client(bank);
    const { jar } = await login(bank);
    bank.clock.advance(20 * 60_000);
    const res = await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: await c.token(jar) });
    expect(Number(sidCookie(res)?.attributes.get('max-age'))).toBeLessThanOrEqual(3600);
    bank.clock.advance(10 * 60_000);
    const later = await c.send('post', '/cart', jar, { item: 'x', _csrf: await c.token(jar) });
    const cookie = sidCookie(later);
    if (cookie) expect(Number(cookie.attributes.get('max-age'))).toBeLessThanOrEqual(3600 - 600);
  });

  it('CK-07 logout sends a correct clearing cookie', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    const res = await c.send('post', '/logout', jar, { _csrf: token });
    const cleared = sidCookie(res);
    expect(cleared?.value).toBe('');
    expect(cleared?.attributes.get('max-age')).toBe('0');
    expect(cleared?.attributes.has('secure')).toBe(true);
    expect(cleared?.attributes.has('httponly')).toBe(true);
    expect(cleared?.attributes.get('path')).toBe('/');
    expect(cleared?.attributes.get('samesite')).toBe('Lax');
  });

  it('CK-08 login, authenticated and logout responses are Cache-Control: no-store', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token, res } = await login(bank);
    expect(res.headers['cache-control']).toContain('no-store');
    expect((await c.get('/me', jar)).headers['cache-control']).toContain('no-store');
    expect((await c.send('post', '/logout', jar, { _csrf: token })).headers['cache-control']).toContain('no-store');
  });

  it('CK-09 the id is never in a Location or body, and never accepted from query, body or headers', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, res } = await login(bank);
    const token = jar.sid as string;
    expect(String(res.headers.location)).not.toContain(token);
    expect(res.text).not.toContain(token);
    expect((await c.get(`/me?sid=${token}`)).status).toBe(401);
    expect((await c.get(`/me;jsessionid=${token}`)).status).toBe(404);
    expect((await c.get('/me', undefined, { 'x-session-id': token })).status).toBe(401);
    expect((await c.get('/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('fixation, timeouts, termination, re-authentication (checklist §3, §4, §5, §9)', () => {
  it('FIX-01 login issues a new id and the pre-auth record is gone', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const c = client(bank);
    const jar = new Jar();
    await c.send('post', '/cart', jar, { item: 'a', _csrf: await c.token(jar) });
    const a = jar.clone();
    const preAuthId = (a.sid as string).split('.')[0] as string;
    await c.send('post', '/login', jar, { username: 'alice', password: 'alice-pw', _csrf: await c.token(jar) });
    expect(jar.sid).not.toBe(a.sid);
    expect((await c.get('/me', a)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
    expect(await store.get(preAuthId)).toBeNull();
  });

  it('FIX-02 re-authentication and password change rotate the id and end the old one', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    const b = jar.clone();
    await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: token });
    expect(jar.sid).not.toBe(b.sid);
    expect((await c.get('/me', b)).status).toBe(401);
    const cJar = jar.clone();
    await c.send('post', '/password', jar, { current: 'alice-pw', _csrf: await c.token(jar) });
    expect(jar.sid).not.toBe(cJar.sid);
    expect((await c.get('/me', cJar)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('FIX-03 an MFA-pending session is not signed in; completing MFA rotates the id', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank, 'mfa');
    expect((await c.get('/me', jar)).status).toBe(401);
    expect((await c.send('post', '/account/email', jar, { email: 'x', _csrf: token })).status).toBe(401);
    const p = jar.clone();
    await c.send('post', '/login/mfa', jar, { code: '123456', _csrf: token });
    expect(jar.sid).not.toBe(p.sid);
    expect((await c.get('/me', p)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('FIX-06 maxSessionsPerUser: evict-oldest ends S1; refuse keeps S1 and S2', async () => {
    const evict = buildBank({ maxSessionsPerUser: 2 });
    const c = client(evict);
    const s1 = await login(evict);
    evict.clock.advance(1000);
    const s2 = await login(evict);
    evict.clock.advance(1000);
    const s3 = await login(evict);
    expect((await c.get('/me', s1.jar)).status).toBe(401);
    expect((await c.get('/me', s2.jar)).status).toBe(200);
    expect((await c.get('/me', s3.jar)).status).toBe(200);
    expect(evict.events.some((e) => e.type === 'revoked' && e.reason === 'max-sessions')).toBe(true);

    const refuse = buildBank({ maxSessionsPerUser: 2, onMaxSessions: 'refuse' });
    const r = client(refuse);
    const r1 = await login(refuse);
    const r2 = await login(refuse);
    const jar = new Jar();
    const third = await r.send('post', '/login', jar, {
      username: 'alice',
      password: 'alice-pw',
      _csrf: await r.token(jar),
    });
    expect(third.status).toBe(403);
    expect(jar.sid).toBeUndefined();
    expect((await r.get('/me', r1.jar)).status).toBe(200);
    expect((await r.get('/me', r2.jar)).status).toBe(200);
  });

  it('TMO-01 TMO-05 idle timeout on the server: 0.9T fine, 2T later 401 with a clearing cookie', async () => {
    const store = memoryStore();
    const bank = buildBank({ store, idleTimeout: '10m', absoluteTimeout: '1h' });
    const c = client(bank);
    const { jar } = await login(bank);
    const id = (jar.sid as string).split('.')[0] as string;
    bank.clock.advance(9 * 60_000);
    expect((await c.get('/me', jar)).status).toBe(200);
    bank.clock.advance(11 * 60_000);
    const res = await c.get('/me', jar);
    expect(res.status).toBe(401);
    expect(sidCookie(res)?.attributes.get('max-age')).toBe('0');
    expect(await store.get(id)).toBeNull();
    expect(bank.events.some((e) => e.type === 'expired-idle')).toBe(true);
  });

  it('TMO-02 only successful activity slides the idle timer; CSRF-rejected posts do not', async () => {
    const bank = buildBank({ idleTimeout: '10m', absoluteTimeout: '12h' });
    const c = client(bank);
    const { jar } = await login(bank);
    for (let i = 0; i < 6; i++) {
      bank.clock.advance(5 * 60_000);
      expect((await c.get('/me', jar)).status).toBe(200);
    }
    const copy = jar.clone();
    for (let i = 0; i < 4; i++) {
      bank.clock.advance(5 * 60_000 - 1);
      expect((await c.send('post', '/transfer', copy, { _csrf: 'bad' })).status).toBe(403);
    }
    expect((await c.get('/me', copy)).status).toBe(401);
  });

  it('TMO-03 the absolute timeout holds whatever the activity; Infinity refuses to start', async () => {
    const bank = buildBank({ idleTimeout: '10m', absoluteTimeout: '30m' });
    const c = client(bank);
    const { jar } = await login(bank);
    for (let i = 0; i < 5; i++) {
      bank.clock.advance(5 * 60_000);
      expect((await c.get('/me', jar)).status).toBe(200);
    }
    bank.clock.advance(5 * 60_000 + 1);
    expect((await c.get('/me', jar)).status).toBe(401);
    expect(bank.events.some((e) => e.type === 'expired-absolute')).toBe(true);
    expect(() => buildBank({ absoluteTimeout: Number.POSITIVE_INFINITY })).toThrow(/absolute/);
  });

  it('TMO-04 rolling renewal keeps the absolute deadline; re-authentication resets it', async () => {
    const bank = buildBank({ idleTimeout: '10m', absoluteTimeout: '30m', renewAfter: '5m' });
    const c = client(bank);
    const { jar, token } = await login(bank);
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      bank.clock.advance(5 * 60_000);
      await c.get('/me', jar);
      ids.add(jar.sid as string);
    }
    expect(ids.size).toBeGreaterThan(1);
    bank.clock.advance(5 * 60_000 + 1);
    expect((await c.get('/me', jar)).status).toBe(401);

    const fresh = await login(bank);
    for (let i = 0; i < 5; i++) {
      bank.clock.advance(5 * 60_000);
      expect((await c.get('/me', fresh.jar)).status).toBe(200);
    }
    await c.send('post', '/reauth', fresh.jar, { password: 'alice-pw', _csrf: await c.token(fresh.jar) });
    bank.clock.advance(9 * 60_000);
    expect((await c.get('/me', fresh.jar)).status).toBe(200);
    expect(token).toBeTypeOf('string');
  });

  it('TMO-06 a store that never evicts does not keep a session alive past its deadlines', async () => {
    const store = memoryStore({ sweepInterval: 10 ** 9 });
    const bank = buildBank({ store, idleTimeout: '10m', absoluteTimeout: '1h' });
    const { jar } = await login(bank);
    const id = (jar.sid as string).split('.')[0] as string;
    bank.clock.advance(11 * 60_000);
    expect(await store.get(id)).not.toBeNull();
    expect((await client(bank).get('/me', jar)).status).toBe(401);
  });

  it('TRM-01 TRM-02 logout deletes the record before responding, clears the cookie and sends Clear-Site-Data', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const c = client(bank);
    const { jar, token } = await login(bank);
    const copy = jar.clone();
    const id = (jar.sid as string).split('.')[0] as string;
    const res = await c.send('post', '/logout', jar, { _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(await store.get(id)).toBeNull();
    expect((await c.get('/me', copy)).status).toBe(401);
  });

  it('TRM-03 GET /logout does nothing; a cross-site POST /logout is refused', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    expect((await c.get('/logout', jar)).status).toBe(404);
    expect((await c.send('post', '/logout', jar, { _csrf: token }, { 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('TRM-04 a password change ends the other sessions and keeps the current one under a new id', async () => {
    const bank = buildBank();
    const c = client(bank);
    const s1 = await login(bank);
    const s2 = await login(bank);
    await c.send('post', '/password', s1.jar, { current: 'alice-pw', _csrf: s1.token });
    expect((await c.get('/me', s2.jar)).status).toBe(401);
    expect((await c.get('/me', s1.jar)).status).toBe(200);
  });

  it('TRM-05 listing shows handles, never tokens; revoking another needs fresh auth; revoke-all ends all', async () => {
    const bank = buildBank({ freshAuth: '5m' });
    const c = client(bank);
    const s1 = await login(bank);
    const s2 = await login(bank);
    const list = await c.get('/sessions', s1.jar);
    expect(list.body).toHaveLength(2);
    for (const jar of [s1.jar, s2.jar]) expect(list.text).not.toContain((jar.sid as string).split('.')[1]);
    const h2 = (s2.jar.sid as string).split('.')[0] as string;
    bank.clock.advance(6 * 60_000);
    expect((await c.send('post', `/sessions/${h2}/revoke`, s1.jar, { _csrf: s1.token })).status).toBe(403);
    await c.send('post', '/reauth', s1.jar, { password: 'alice-pw', _csrf: s1.token });
    const t = await c.token(s1.jar);
    expect((await c.send('post', `/sessions/${h2}/revoke`, s1.jar, { _csrf: t })).status).toBe(204);
    expect((await c.get('/me', s2.jar)).status).toBe(401);
    const s3 = await login(bank);
    expect((await c.send('post', '/sessions/revoke-all', s1.jar, { _csrf: t })).status).toBe(204);
    expect((await c.get('/me', s1.jar)).status).toBe(401);
    expect((await c.get('/me', s3.jar)).status).toBe(401);
  });

  it('TRM-06 admins revoke one user at once, and everyone globally; new logins still work', async () => {
    const bank = buildBank();
    const c = client(bank);
    const a1 = await login(bank, 'alice');
    const b1 = await login(bank, 'bob');
    const admin = await login(bank, 'admin');
    expect((await c.send('post', '/admin/users/alice/revoke', admin.jar, { _csrf: admin.token })).status).toBe(204);
    expect((await c.get('/me', a1.jar)).status).toBe(401);
    expect((await c.get('/me', b1.jar)).status).toBe(200);
    expect((await c.send('post', '/admin/revoke-all', admin.jar, { _csrf: admin.token })).status).toBe(204);
    expect((await c.get('/me', b1.jar)).status).toBe(401);
    expect((await c.get('/me', (await login(bank, 'bob')).jar)).status).toBe(200);
  });

  it('TRM-07 logout on one instance is seen at once by another instance on the same store', async () => {
    const store = memoryStore();
    const a = buildBank({ store });
    const b = buildBank({ store });
    const { jar, token } = await login(a);
    const copy = jar.clone();
    expect((await client(b).get('/me', copy)).status).toBe(200);
    await client(a).send('post', '/logout', jar, { _csrf: token });
    expect((await client(b).get('/me', copy)).status).toBe(401);
  });

  it('RA-01 RA-02 sensitive changes need authentication fresher than the window, measured from the server-side auth time', async () => {
    const bank = buildBank({ freshAuth: '5m' });
    const c = client(bank);
    const { jar, token } = await login(bank);
    bank.clock.advance(6 * 60_000);
    expect((await c.send('post', '/account/email', jar, { email: 'a@x', _csrf: token })).status).toBe(403);
    expect((await c.send('post', '/reauth', jar, { password: 'wrong', _csrf: token })).status).toBe(403);
    const before = jar.sid;
    await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: token });
    expect(jar.sid).not.toBe(before);
    const t = await c.token(jar);
    bank.clock.advance(5 * 60_000 - 1000);
    expect((await c.send('post', '/account/email', jar, { email: 'a@x', _csrf: t })).status).toBe(200);
    bank.clock.advance(2000);
    expect((await c.send('post', '/account/email', jar, { email: 'b@x', _csrf: t, aal: '3' })).status).toBe(403);
  });
});
