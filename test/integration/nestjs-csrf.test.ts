import { expect, it } from 'vitest';
import { cookieHeaderFrom, sessionCookieFrom } from '../helpers/cookies.js';
import { onEachNestPlatform } from './nestjs-fixture.js';

onEachNestPlatform('csrf', ({ send, home, newVisitor, withSession }) => {
  it('anonymous read: the count and a pre-session CSRF token, and no session is created', async () => {
    const first = await send('GET', '/');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ visits: 0, user: null });
    expect(String(first.json.csrfToken).length).toBeGreaterThan(20);
    expect(sessionCookieFrom(first.headers)).toBeUndefined();
    expect(cookieHeaderFrom(first.headers)).toMatch(/^__Host-csrf=/);
  });

  it('CSRF: refuses cross-origin and tokenless POSTs, accepts a same-origin one with the token', async () => {
    const { cookie, token } = await newVisitor();
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example', 'x-csrf-token': token },
      { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token },
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin', 'x-csrf-token': 'forged' },
    ];
    for (const headers of refused) {
      const reply = await send('POST', '/visit', { cookie, ...headers });
      expect(reply.status).toBe(403);
      expect(sessionCookieFrom(reply.headers)).toBeUndefined();
    }
    expect((await home(cookie)).visits).toBe(0);

    const accepted = await send('POST', '/visit', { cookie, 'sec-fetch-site': 'same-origin', 'x-csrf-token': token });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toEqual({ visits: 1 });
    expect(sessionCookieFrom(accepted.headers)).toMatch(/^__Host-sid=/);
  });

  it('CSRF: the `_csrf` field of a posted form is read (the body is parsed before the check)', async () => {
    const { cookie } = await withSession();
    const token = (await home(cookie)).csrfToken;
    const form = { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
    expect((await send('POST', '/visit', form, '_csrf=forged')).status).toBe(403);
    const reply = await send('POST', '/visit', form, `_csrf=${encodeURIComponent(token)}`);
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({ visits: 2 });
  });
});
