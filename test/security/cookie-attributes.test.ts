import { describe, expect, it } from 'vitest';
import { parseSetCookie, setCookies } from '../helpers/cookies.js';
import { buildBank, client, Jar, login, sidCookie } from './helpers/bank.js';

describe('tokens and cookies (checklist §1, §2)', () => {
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
