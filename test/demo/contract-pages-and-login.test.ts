import { describe, expect, it } from 'vitest';
import { ALICE, client } from './contract-fixture.js';

describe('pages and login', () => {
  it('GET / is the home page; GET /login has a CSRF-protected form', async () => {
    const c = client();
    const home = await c.request('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Custos Bank');
    const login = await c.request('/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<form[^>]+action="\/login"[\s\S]*name="_csrf" value="[^"]{20,}"/);
  });

  it('POST /login → 303 /account with a brand-new session id and a hardened cookie', async () => {
    const c = client();
    // An anonymous session first (a cart), so there is an old id to compare with.
    const token = await c.apiToken();
    expect((await c.request('/api/cart', { json: { item: 'pen' }, headers: { 'x-csrf-token': token } })).status).toBe(
      200,
    );
    const before = c.sid;
    expect(before).toBeDefined();
    const response = await c.login(...ALICE);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    const cookie = response.headers.getSetCookie().find((l) => l.startsWith('__Host-sid='));
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(c.sid).not.toBe(before);
    // The anonymous cart came along; the old id authenticates nothing.
    expect(await (await c.request('/api/cart')).json()).toEqual({ items: ['pen'] });
    const old = client();
    old.jar.set('__Host-sid', before as string);
    expect((await old.request('/api/account')).status).toBe(401);
  });

  it('a wrong password and an unknown user get the same generic 401', async () => {
    const wrong = await client().login('alice', 'not-her-password');
    const unknown = await client().login('nobody-here', 'whatever-123');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /<p class="notice error"[^>]*>([^<]*)</.exec(html)?.[1];
    const a = message(await wrong.text());
    const b = message(await unknown.text());
    expect(a).toBe('Incorrect username or password.');
    expect(b).toBe(a);
  });

  it('POST /login without CSRF proof, or from another origin, is refused and signs nobody in', async () => {
    const c = client();
    expect((await c.request('/login', { form: { username: 'alice', password: ALICE[1] } })).status).toBe(403);
    const _csrf = await c.formToken('/login');
    const crossSite = await c.request('/login', {
      form: { username: 'alice', password: ALICE[1], _csrf },
      headers: { origin: 'http://127.0.0.1:9', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(c.sid).toBeUndefined();
    expect(await (await c.request('/api/session')).json()).toMatchObject({ authenticated: false, user: null });
  });

  it('GET /account anonymous → 303 /login; JSON routes → 401', async () => {
    const c = client();
    const page = await c.request('/account');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/login/);
    expect((await c.request('/api/account')).status).toBe(401);
    expect((await c.request('/api/sessions')).status).toBe(401);
  });
});
