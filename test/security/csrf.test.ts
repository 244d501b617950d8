import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildBank, client, Jar, login, ORIGIN, SAME_ORIGIN } from './helpers/bank.js';

const NO_FM = { 'sec-fetch-site': '', origin: '' };

describe('CSRF (checklist §7)', () => {
  for (const method of ['post', 'put', 'patch', 'delete'] as const) {
    it(`CSRF-01 ${method.toUpperCase()} needs a verified token: none, wrong, cookie-only → 403; valid → 2xx`, async () => {
      const bank = buildBank();
      const c = client(bank);
      const { jar, token } = await login(bank);
      const before = bank.balances.get('alice');
      expect((await c.send(method, '/transfer', jar, {})).status).toBe(403);
      // A wrong token that differs from the right one in its last two characters, whatever they are.
      const wrong = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      expect((await c.send(method, '/transfer', jar, { _csrf: wrong })).status).toBe(403);
      const cookieOnly = jar.clone();
      cookieOnly.cookies.set('_csrf', token);
      expect((await c.send(method, '/transfer', cookieOnly, {})).status).toBe(403);
      expect(bank.balances.get('alice')).toBe(before);
      expect((await c.send(method, '/transfer', jar, { _csrf: token })).status).toBe(200);
      expect((await c.send(method, '/transfer', jar, {}, { 'x-csrf-token': token })).status).toBe(200);
    });
  }

  it('CSRF-02 tokens are per session, ≥128 bits, refused cross-session and from the query string', async () => {
    const bank = buildBank();
    const c = client(bank);
    const x = await login(bank, 'alice');
    const y = await login(bank, 'bob');
    expect(x.token).not.toBe(y.token);
    expect(Buffer.from(x.token, 'base64url').length / 2).toBeGreaterThanOrEqual(16);
    expect((await c.send('post', '/transfer', y.jar, { _csrf: x.token })).status).toBe(403);
    expect((await c.send('post', `/transfer?_csrf=${encodeURIComponent(y.token)}`, y.jar, {})).status).toBe(403);
    const res = await c.send('post', '/transfer', y.jar, { _csrf: y.token });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.headers)).not.toContain(y.token);
  });

  it('CSRF-02 masked tokens differ on every render yet all verify', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar } = await login(bank);
    const a = await c.token(jar);
    const b = await c.token(jar);
    expect(a).not.toBe(b);
    expect((await c.send('post', '/transfer', jar, { _csrf: a })).status).toBe(200);
    expect((await c.send('post', '/transfer', jar, { _csrf: b })).status).toBe(200);
  });

  it('CSRF-03 a token fetched before login is refused after login; a fresh one works', async () => {
    const bank = buildBank();
    const c = client(bank);
    const jar = new Jar();
    const t0 = await c.token(jar);
    await c.send('post', '/login', jar, { username: 'alice', password: 'alice-pw', _csrf: t0 });
    expect((await c.send('post', '/transfer', jar, { _csrf: t0 })).status).toBe(403);
    // An anonymous session token is also retired by login (id rotation).
    const anon = buildBank();
    const ca = client(anon);
    const jar2 = new Jar();
    await ca.send('post', '/login', jar2, { username: 'alice', password: 'alice-pw', _csrf: await ca.token(jar2) });
    const t1 = await ca.token(jar2);
    await ca.send('post', '/reauth', jar2, { password: 'alice-pw', _csrf: t1 });
    expect((await ca.send('post', '/transfer', jar2, { _csrf: t1 })).status).toBe(403);
    expect((await ca.send('post', '/transfer', jar2, { _csrf: await ca.token(jar2) })).status).toBe(200);
  });

  it('CSRF-04 signed double-submit: cookie alone, naive equal values, and another visitor’s pair are refused', async () => {
    const bank = buildBank();
    const c = client(bank);
    const creds = { username: 'alice', password: 'alice-pw' };
    const page = await c.get('/login', new Jar());
    const raw = page.headers['set-cookie'] as unknown as string[];
    const csrfCookie = raw.find((h) => h.startsWith('__Host-csrf='));
    expect(csrfCookie).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
    expect(csrfCookie).not.toMatch(/Domain=/i);
    expect(raw.some((h) => h.startsWith('__Host-sid='))).toBe(false); // no server-side session for a form
    const x = new Jar().update(page);
    const tx = /value="([^"]+)"/.exec(page.text)?.[1] as string;
    // 1. the cookie alone
    expect((await c.send('post', '/login', x.clone(), creds)).status).toBe(403);
    // 2. naive pattern: attacker-chosen equal values in cookie and field
    const naive = new Jar();
    const chosen = randomBytes(32).toString('base64url');
    naive.cookies.set('__Host-csrf', chosen);
    expect((await c.send('post', '/login', naive, { ...creds, _csrf: chosen })).status).toBe(403);
    const forged = `${createHmac('sha256', 'guess').update(chosen).digest('hex')}.${randomBytes(16).toString('hex')}`;
    expect((await c.send('post', '/login', naive, { ...creds, _csrf: forged })).status).toBe(403);
    // 3. visitor X's token with visitor Y's cookie
    const y = new Jar().update(await c.get('/login', new Jar()));
    expect((await c.send('post', '/login', y, { ...creds, _csrf: tx })).status).toBe(403);
    // 4. the visitor's own pair
    const ok = await c.send('post', '/login', x, { ...creds, _csrf: tx });
    expect(ok.status).toBe(303);
    expect(bank.events.filter((e) => e.type === 'csrf-rejected').length).toBeGreaterThanOrEqual(4);
  });

  it('CSRF-04 a pre-session token stops counting once a user is signed in', async () => {
    const bank = buildBank();
    const c = client(bank);
    const jar = new Jar();
    const page = await c.get('/login', jar);
    const pre = /value="([^"]+)"/.exec(page.text)?.[1] as string;
    await c.send('post', '/login', jar, { username: 'alice', password: 'alice-pw', _csrf: pre });
    expect(jar.cookies.has('__Host-csrf')).toBe(true);
    expect((await c.send('post', '/transfer', jar, { _csrf: pre })).status).toBe(403);
  });

  it('CSRF-05 Fetch Metadata: cross-site and same-site refused even with a valid token; same-origin passes', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, { 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, { 'sec-fetch-site': 'same-site' })).status).toBe(
      403,
    );
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, { 'sec-fetch-site': 'same-origin' })).status).toBe(
      200,
    );
    const nav = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    expect((await c.get('/me', jar, nav)).status).toBe(200);
  });

  it('CSRF-05 trustSameSite lets same-site through', async () => {
    const bank = buildBank({ protect: { origins: [ORIGIN], trustSameSite: true } });
    const c = client(bank);
    const { jar, token } = await login(bank);
    const res = await c.send('post', '/transfer', jar, { _csrf: token }, { 'sec-fetch-site': 'same-site', origin: '' });
    expect(res.status).toBe(200);
  });

  const refused: Array<[string, Record<string, string>]> = [
    ['rejects a foreign Origin', { origin: 'https://evil.example' }],
    ['rejects Origin null', { origin: 'null' }],
    ['rejects a suffix-extended Origin', { origin: 'https://bank.example.evil.example' }],
    ['rejects an Origin with the wrong scheme', { origin: 'http://bank.example' }],
    ['rejects an Origin with the wrong port', { origin: 'https://bank.example:8443' }],
    ['rejects a foreign Referer without Origin', { referer: 'https://evil.example/x' }],
    ['rejects a request with neither Origin nor Referer', {}],
  ];
  for (const [name, headers] of refused) {
    it(`CSRF-06 ${name}`, async () => {
      const bank = buildBank();
      const c = client(bank);
      const { jar, token } = await login(bank);
      const res = await c.send('post', '/transfer', jar, { _csrf: token }, { ...NO_FM, ...headers });
      expect(res.status).toBe(403);
      expect(bank.balances.get('alice')).toBe(100);
      const last = bank.events.filter((e) => e.type === 'csrf-rejected').at(-1);
      expect(['origin-mismatch', 'referer-mismatch', 'no-origin']).toContain(last?.reason);
    });
  }

  it('CSRF-06 accepts the exact Origin, or a matching Referer when Origin is absent', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, { ...NO_FM, origin: ORIGIN })).status).toBe(200);
    const viaReferer = await c.send(
      'post',
      '/transfer',
      jar,
      { _csrf: token },
      { ...NO_FM, referer: `${ORIGIN}/page` },
    );
    expect(viaReferer.status).toBe(200);
  });

  it('CSRF-06 allowMissingOrigin admits header-less non-browser clients (still needs the token)', async () => {
    const bank = buildBank({ protect: { origins: [ORIGIN], allowMissingOrigin: true } });
    const c = client(bank);
    const { jar, token } = await login(bank);
    expect((await c.send('post', '/transfer', jar, {}, NO_FM)).status).toBe(403);
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, NO_FM)).status).toBe(200);
  });

  it('CSRF-07 the expected origin comes from configuration, never Host or X-Forwarded-Host', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    const evil = { ...NO_FM, origin: 'https://evil.example', host: 'evil.example' };
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, evil)).status).toBe(403);
    const forwarded = { ...evil, host: 'bank.example', 'x-forwarded-host': 'evil.example' };
    expect((await c.send('post', '/transfer', jar, { _csrf: token }, forwarded)).status).toBe(403);
  });

  it('CSRF-08 JSON endpoints refuse text/plain, form and multipart bodies with 415', async () => {
    const bank = buildBank();
    const { jar, token } = await login(bank);
    const { default: request } = await import('supertest');
    const send = (type: string, body: string) =>
      request(bank.app)
        .post('/api/echo')
        .set({ ...SAME_ORIGIN, cookie: jar.header, 'x-csrf-token': token, 'content-type': type })
        .send(body);
    expect((await send('text/plain', '{"a":1}')).status).toBe(415);
    expect((await send('application/x-www-form-urlencoded', 'a=1')).status).toBe(415);
    expect((await send('multipart/form-data; boundary=x', '--x--')).status).toBe(415);
    const ok = await send('application/json', '{"a":1}');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ echo: { a: 1 } });
  });

  it('CSRF-09 the library never answers with Access-Control-Allow-Origin (CORS stays the app’s explicit choice)', async () => {
    const bank = buildBank();
    const { default: request } = await import('supertest');
    const res = await request(bank.app)
      .options('/transfer')
      .set({ origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('CSRF-10 GET/HEAD/OPTIONS on a state-changing route change nothing, and GET never accepts a token', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    for (const method of ['get', 'head', 'options'] as const) {
      const { default: request } = await import('supertest');
      const res = await request(bank.app)
        [method](`/transfer?_csrf=${token}&amount=50`)
        .set({ ...SAME_ORIGIN, cookie: jar.header });
      expect(res.status === 404 || res.status === 405 || res.status === 200).toBe(true);
    }
    expect(bank.balances.get('alice')).toBe(100);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('OPT-2 unsafe responses carry Vary: Sec-Fetch-Site, Origin', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    for (const res of [
      await c.send('post', '/transfer', jar, { _csrf: token }),
      await c.send('post', '/transfer', jar, {}, { 'sec-fetch-site': 'cross-site' }),
    ]) {
      expect(res.headers.vary).toMatch(/Sec-Fetch-Site/);
      expect(res.headers.vary).toMatch(/Origin/);
    }
  });

  it('OPT-3 report-only mode lets a cross-site POST through and reports it', async () => {
    const bank = buildBank({ protect: { origins: [ORIGIN], reportOnly: true } });
    const c = client(bank);
    const { jar } = await login(bank);
    const res = await c.send('post', '/transfer', jar, {}, { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(200);
    const reported = bank.events.filter((e) => e.type === 'csrf-rejected').map((e) => e.reason);
    expect(reported).toContain('report-only:cross-site');
  });

  it('per-route exemptions skip the check for that route only', async () => {
    const bank = buildBank({ protect: { origins: [ORIGIN], exempt: (r) => r.url.startsWith('/api/echo') } });
    const c = client(bank);
    const { jar } = await login(bank);
    const { default: request } = await import('supertest');
    const hook = await request(bank.app)
      .post('/api/echo')
      .set({ ...SAME_ORIGIN, 'sec-fetch-site': 'cross-site', cookie: jar.header })
      .send({ event: 'paid' });
    expect(hook.status).toBe(200);
    expect((await c.send('post', '/transfer', jar, {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('FIX-04 login CSRF: cross-site or foreign-origin login posts get 403 and no session cookie', async () => {
    const bank = buildBank();
    const c = client(bank);
    const jar = new Jar();
    const page = await c.get('/login', jar);
    const pre = /value="([^"]+)"/.exec(page.text)?.[1] as string;
    const creds = { username: 'alice', password: 'alice-pw', _csrf: pre };
    const cross = await c.send('post', '/login', jar.clone(), creds, { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(String(cross.headers['set-cookie'] ?? '')).not.toContain('__Host-sid=');
    const foreign = await c.send(
      'post',
      '/login',
      jar.clone(),
      { username: 'alice', password: 'alice-pw' },
      {
        ...NO_FM,
        origin: 'https://evil.example',
      },
    );
    expect(foreign.status).toBe(403);
    expect(String(foreign.headers['set-cookie'] ?? '')).not.toContain('__Host-sid=');
  });
});
