import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv, TestClient } from './http-client.js';

const ALICE = ['alice', 'alice-correct-horse'] as const;
const BOB = ['bob', 'bob-battery-staple'] as const;
const ADMIN = ['admin', 'admin-tr0ub4dor'] as const;

let demo: RunningDemo;
const client = () => new TestClient(demo.bankUrl);
async function signedIn(user: readonly [string, string]): Promise<TestClient> {
  const c = client();
  const response = await c.login(user[0], user[1]);
  expect(response.status).toBe(303);
  return c;
}

beforeAll(async () => {
  demo = await startDemo({ port: 0, attackerPort: false, env: secretsEnv() });
});
afterAll(async () => {
  await demo?.close();
});

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
    const old = new TestClient(demo.bankUrl);
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

describe('money', () => {
  it('shows the balance and moves money only with a same-origin POST carrying the token', async () => {
    const alice = await signedIn(ALICE);
    const page = await alice.request('/account');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('id="balance"');
    expect(html).toContain('action="/transfer"');
    const start = await alice.balance();

    const moved = await alice.post('/transfer', { to: 'bob', amount: '25' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toMatch(/^\/account/);
    expect(await alice.balance()).toBe(start - 25);

    // The seed article's attack: a GET never moves money.
    const get = await alice.request('/transfer?amount=1500&to=attacker');
    expect(get.status).toBe(405);
    // No token, a wrong token, a foreign origin: all refused.
    expect((await alice.request('/transfer', { form: { to: 'attacker', amount: '10' } })).status).toBe(403);
    expect(
      (await alice.request('/transfer', { form: { to: 'attacker', amount: '10', _csrf: 'x'.repeat(86) } })).status,
    ).toBe(403);
    const token = await alice.formToken('/account');
    const foreign = await alice.request('/transfer', {
      form: { to: 'attacker', amount: '10', _csrf: token },
      headers: { origin: 'http://localhost:1' },
    });
    expect(foreign.status).toBe(403);
    expect(await alice.balance()).toBe(start - 25);

    const account = (await (await alice.request('/api/account')).json()) as Record<string, unknown>;
    expect(Object.keys(account).sort()).toEqual(['balance', 'transfers', 'user']);
    expect(account.user).toBe('alice');
    expect(account.transfers).toEqual([expect.objectContaining({ from: 'alice', to: 'bob', amount: 25 })]);
  });

  it('refuses an overdraft, a negative amount and an unknown recipient', async () => {
    const bob = await signedIn(BOB);
    const start = await bob.balance();
    for (const form of [
      { to: 'alice', amount: String(start + 1) },
      { to: 'alice', amount: '-5' },
      { to: 'nobody', amount: '5' },
    ]) {
      expect((await bob.post('/transfer', form)).status).toBe(400);
    }
    expect(await bob.balance()).toBe(start);
  });
});

describe('logout', () => {
  it('POST /logout → 303 /, clearing cookie, Clear-Site-Data; the old cookie no longer authenticates', async () => {
    const alice = await signedIn(ALICE);
    const old = alice.sid as string;
    const response = await alice.post('/logout', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('clear-site-data')).toContain('"cookies"');
    expect(response.headers.getSetCookie().some((l) => /^__Host-sid=;.*Max-Age=0/i.test(l))).toBe(true);
    const replay = new TestClient(demo.bankUrl);
    replay.jar.set('__Host-sid', old);
    expect((await replay.request('/api/account')).status).toBe(401);
    expect((await replay.request('/account')).status).toBe(303);
  });

  it('GET /logout does not sign out', async () => {
    const alice = await signedIn(ALICE);
    expect((await alice.request('/logout')).status).toBe(405);
    expect((await alice.request('/api/account')).status).toBe(200);
  });
});

describe('re-authentication and sensitive changes', () => {
  it('POST /reauth checks the password, refreshes authentication time and rotates the id', async () => {
    const alice = await signedIn(ALICE);
    const before = (await (await alice.request('/api/session')).json()) as { authenticatedAt: number; handle: string };
    const sid = alice.sid;
    expect((await alice.post('/reauth', { password: 'wrong-password', next: '/settings' }, '/settings')).status).toBe(
      401,
    );
    await new Promise((r) => setTimeout(r, 5));
    const ok = await alice.post('/reauth', { password: ALICE[1], next: '/settings' }, '/settings');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/settings');
    expect(alice.sid).not.toBe(sid);
    const after = (await (await alice.request('/api/session')).json()) as { authenticatedAt: number; handle: string };
    expect(after.authenticatedAt).toBeGreaterThan(before.authenticatedAt);
    expect(after.handle).not.toBe(before.handle);
  });

  it('POST /password rotates the id and signs out every other session of the user', async () => {
    const first = await signedIn(BOB);
    const second = await signedIn(BOB);
    const sid = first.sid;
    const changed = await first.post('/password', { current: BOB[1], next: 'bob-new-password-42' }, '/settings');
    expect(changed.status).toBe(303);
    expect(first.sid).not.toBe(sid);
    expect((await first.request('/api/account')).status).toBe(200);
    expect((await second.request('/api/account')).status).toBe(401);
    expect((await client().login('bob', BOB[1])).status).toBe(401);
    const back = await signedIn(['bob', 'bob-new-password-42']);
    // Restore the contract password for the other tests.
    expect((await back.post('/password', { current: 'bob-new-password-42', next: BOB[1] }, '/settings')).status).toBe(
      303,
    );
  });

  it('POST /password with a wrong current password changes nothing', async () => {
    const alice = await signedIn(ALICE);
    const other = await signedIn(ALICE);
    expect((await alice.post('/password', { current: 'nope-nope', next: 'whatever-new-1' }, '/settings')).status).toBe(
      401,
    );
    expect((await other.request('/api/account')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('GET /sessions and /api/sessions list devices without exposing any token', async () => {
    const a = await signedIn(ALICE);
    const b = await signedIn(ALICE);
    const page = await a.request('/sessions', { headers: { 'user-agent': 'DeviceA' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('This device');
    expect(html).toContain('Sign out other devices');
    for (const token of [a.sid, b.sid]) {
      const [, , secret] = (token as string).split('.');
      expect(html).not.toContain(token);
      expect(html).not.toContain(secret);
    }
    const list = (await (await a.request('/api/sessions')).json()) as Array<Record<string, unknown>>;
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const entry of list) {
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'current', 'device', 'handle', 'lastSeenAt']);
    }
    expect(list.filter((e) => e.current)).toHaveLength(1);
  });

  it("POST /sessions/:handle/revoke ends that session; another user's handle revokes nothing", async () => {
    const a = await signedIn(ALICE);
    const b = await signedIn(ALICE);
    const bob = await signedIn(BOB);
    const handleOf = async (c: TestClient) =>
      ((await (await c.request('/api/session')).json()) as { handle: string }).handle;
    const bHandle = await handleOf(b);
    const bobHandle = await handleOf(bob);
    expect((await a.post(`/sessions/${bobHandle}/revoke`, {}, '/sessions')).status).toBe(303);
    expect((await bob.request('/api/account')).status).toBe(200);
    expect((await a.post(`/sessions/${bHandle}/revoke`, {}, '/sessions')).status).toBe(303);
    expect((await b.request('/api/account')).status).toBe(401);
    expect((await a.request('/api/account')).status).toBe(200);
    // Revoking the current handle is a logout.
    const own = await a.post(`/sessions/${await handleOf(a)}/revoke`, {}, '/sessions');
    expect(own.status).toBe(303);
    expect((await a.request('/api/account')).status).toBe(401);
  });

  it('POST /sessions/revoke-others keeps only the current session', async () => {
    const a = await signedIn(ALICE);
    const b = await signedIn(ALICE);
    const c = await signedIn(ALICE);
    expect((await a.post('/sessions/revoke-others', {}, '/sessions')).status).toBe(303);
    expect((await b.request('/api/account')).status).toBe(401);
    expect((await c.request('/api/account')).status).toBe(401);
    expect((await a.request('/api/account')).status).toBe(200);
    const list = (await (await a.request('/api/sessions')).json()) as unknown[];
    expect(list).toHaveLength(1);
  });

  it('POST /admin/users/:user/revoke is for admins only', async () => {
    const bob = await signedIn(BOB);
    const alice = await signedIn(ALICE);
    expect((await alice.post('/admin/users/bob/revoke', {})).status).toBe(403);
    expect((await bob.request('/api/account')).status).toBe(200);
    const admin = await signedIn(ADMIN);
    expect((await admin.post('/admin/users/bob/revoke', {}, '/admin')).status).toBe(303);
    expect((await bob.request('/api/account')).status).toBe(401);
    expect((await alice.request('/api/account')).status).toBe(200);
  });
});

describe('JSON API', () => {
  it('GET /api/session has exactly the contract fields, anonymous and signed in', async () => {
    const fields = [
      'absoluteExpiresAt',
      'authenticated',
      'authenticatedAt',
      'createdAt',
      'csrfToken',
      'handle',
      'idleExpiresAt',
      'lastSeenAt',
      'user',
    ];
    const anonymous = (await (await client().request('/api/session')).json()) as Record<string, unknown>;
    expect(Object.keys(anonymous).sort()).toEqual(fields);
    expect(anonymous).toMatchObject({ authenticated: false, user: null });
    expect(typeof anonymous.csrfToken).toBe('string');
    const alice = await signedIn(ALICE);
    const body = (await (await alice.request('/api/session')).json()) as Record<string, number | string | boolean>;
    expect(Object.keys(body).sort()).toEqual(fields);
    expect(body).toMatchObject({ authenticated: true, user: 'alice' });
    expect(body.idleExpiresAt).toBe((body.lastSeenAt as number) + 30 * 60_000);
    expect(body.absoluteExpiresAt).toBe((body.authenticatedAt as number) + 12 * 3_600_000);
    expect(JSON.stringify(body)).not.toContain(alice.sid as string);
  });

  it('100 parallel POST /api/cart adds keep all 100 items', async () => {
    const alice = await signedIn(ALICE);
    const token = await alice.apiToken();
    const items = Array.from({ length: 100 }, (_, i) => `item-${i}`);
    const responses = await Promise.all(
      items.map((item) => alice.request('/api/cart', { json: { item }, headers: { 'x-csrf-token': token } })),
    );
    expect(responses.map((r) => r.status)).toEqual(items.map(() => 200));
    const cart = (await (await alice.request('/api/cart')).json()) as { items: string[] };
    expect(cart.items).toHaveLength(100);
    expect([...cart.items].sort()).toEqual([...items].sort());
  });

  it('POST /api/cart needs the x-csrf-token header', async () => {
    const alice = await signedIn(ALICE);
    expect((await alice.request('/api/cart', { json: { item: 'x' } })).status).toBe(403);
    expect(await (await alice.request('/api/cart')).json()).toEqual({ items: [] });
  });

  it('GET /healthz → 200 while the store answers', async () => {
    const response = await client().request('/healthz');
    expect(response.status).toBe(200);
  });
});
