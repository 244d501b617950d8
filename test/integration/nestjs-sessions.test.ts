import { expect, it } from 'vitest';
import { sessionCookieFrom } from '../helpers/cookies.js';
import { onEachNestPlatform } from './nestjs-fixture.js';

onEachNestPlatform('sessions', ({ send, postJson, home, withSession }) => {
  it('a counter persists across requests', async () => {
    const { cookie } = await withSession();
    const token = (await home(cookie)).csrfToken;
    for (const expected of [2, 3, 4]) {
      const reply = await postJson('/visit', cookie, token);
      expect(reply.json).toEqual({ visits: expected });
    }
    expect((await home(cookie)).visits).toBe(4);
  });

  it('the guard refuses a signed-out request with 401', async () => {
    expect((await send('GET', '/account')).status).toBe(401);
    const { cookie } = await withSession();
    const refused = await send('GET', '/account', { cookie });
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('visits');
  });

  it('login rotates the session id; the old cookie is refused', async () => {
    const { sid: before } = await withSession();
    const login = await postJson('/login', before, (await home(before)).csrfToken, { user: 'alice' });
    expect(login.status).toBe(201);
    expect(login.json).toEqual({ user: 'alice' });
    const after = sessionCookieFrom(login.headers) as string;
    expect(after).toMatch(/^__Host-sid=/);
    expect(after).not.toBe(before);

    expect(await send('GET', '/account', { cookie: after })).toMatchObject({ status: 200, json: { user: 'alice' } });
    expect((await send('GET', '/account', { cookie: before })).status).toBe(401);
    expect(await home(before)).toMatchObject({ user: null, visits: 0 });
  });

  it('logout ends the session; the old cookie is refused', async () => {
    const { cookie } = await withSession('bob');
    expect((await send('GET', '/account', { cookie })).status).toBe(200);
    const logout = await postJson('/logout', cookie, (await home(cookie)).csrfToken);
    expect(logout.status).toBe(201);
    expect(logout.headers.get('clear-site-data')).toContain('"cookies"');
    expect((await send('GET', '/account', { cookie })).status).toBe(401);
    expect(await home(cookie)).toMatchObject({ user: null, visits: 0 });
  });
});
