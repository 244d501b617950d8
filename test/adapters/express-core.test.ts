import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent, type SessionStore } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { parseSetCookie, sessionCookieFrom, setCookies } from '../helpers/cookies.js';
import { coreApp } from '../helpers/express-app.js';
import { listen, rawRequest } from '../helpers/raw-http.js';
import { brokenStore } from '../helpers/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-express-core-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: Array<[string, () => SessionStore]> = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ path: join(dir, `${Math.random().toString(36).slice(2)}.db`) })],
];

function build(store: SessionStore, events: SessionEvent[] = []) {
  const manager = createSessions<{ n: number; [key: string]: unknown }>({
    secrets: [SECRET_A],
    store,
    onEvent: (e) => events.push(e),
    storeTimeout: 300,
    protect: { origins: ['http://localhost'] },
  });
  return { manager, app: coreApp(manager) };
}

function hostileCookies(valid: string): string[] {
  const [name, value] = [valid.slice(0, valid.indexOf('=')), valid.slice(valid.indexOf('=') + 1)];
  const out = new Set<string>([
    '',
    `${name}=`,
    `${name}=${'A'.repeat(8 * 1024)}`,
    `${name}=a\u0000b`,
    `${name}=🍪🍪🍪`,
    `${name}=' OR '1'='1`,
    `${name}=../../etc/passwd`,
    `${name}={"$ne":null}`,
    `${name}=%00`,
    `${valid}; ${name}=${value}`,
    `${name}=x; ${valid}`,
    `${name}=${value.slice(0, -1)}`,
    `${name}=${value}${value}`,
    `${name}="${value}`,
    ';;;==;',
  ]);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  for (let i = out.size; out.size < 1001; i++) {
    if (i % 3 === 0) {
      // flip one character of the valid value (MAC, id or secret part)
      const at = i % value.length;
      const swapped = value[at] === 'A' ? 'B' : 'A';
      out.add(`${name}=${value.slice(0, at)}${value[at] === '.' ? '.' : swapped}${value.slice(at + 1)}`);
    } else {
      let random = '';
      const length = (i * 7919) % 120;
      for (let k = 0; k < length; k++) random += alphabet[(i * 31 + k * 17) % alphabet.length];
      out.add(`${name}=${random}`);
    }
  }
  out.delete(valid);
  return [...out].slice(0, 1000);
}

for (const [label, makeStore] of stores) {
  describe(`core flows through Express on ${label}`, () => {
    it('1,000 random and hostile Cookie headers: no 500, anonymous every time', async () => {
      const events: SessionEvent[] = [];
      const { app } = build(makeStore(), events);
      const created = await request(app).post('/login/alice').set('host', 'localhost');
      const valid = sessionCookieFrom(created.headers) as string;
      const { server, port } = await listen(app);
      let checked = 0;
      for (const cookie of hostileCookies(valid)) {
        // Raw bytes, so NUL and emoji reach the server exactly as written.
        const res = await rawRequest(port, `GET /read HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}`);
        expect(res.status === 200 || res.status === 400).toBe(true);
        if (res.status === 200) expect(res.text).toContain('"user":null');
        if (cookie.length > 24) expect(res.text).not.toContain(cookie.slice(-20));
        checked++;
      }
      server.close();
      expect(checked).toBe(1000);
      const ok = await request(app).get('/read').set('host', 'localhost').set('cookie', valid);
      expect(ok.body.user).toBe('alice');
      for (const event of events) expect(JSON.stringify(event)).not.toContain(valid.split('.')[1]);
    });

    it('100 parallel requests each setting a different field keep all 100; 50 parallel increments give 50', async () => {
      const { app } = build(makeStore());
      const first = await request(app).post('/set/start').set('host', 'localhost').send({ value: 1 });
      const cookie = sessionCookieFrom(first.headers) as string;
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          request(app).post(`/set/f${i}`).set('host', 'localhost').set('cookie', cookie).send({ value: i }),
        ),
      );
      const incs = await Promise.all(
        Array.from({ length: 50 }, () => request(app).post('/inc').set('host', 'localhost').set('cookie', cookie)),
      );
      expect(incs.every((r) => r.status === 200)).toBe(true);
      const read = await request(app).get('/read').set('host', 'localhost').set('cookie', cookie);
      for (let i = 0; i < 100; i++) expect(read.body.data[`f${i}`]).toBe(i);
      expect(read.body.data.n).toBe(50);
    });

    it('login rotates the id and the old cookie no longer authenticates; logout clears it', async () => {
      const { app } = build(makeStore());
      const anon = await request(app).post('/set/x').set('host', 'localhost').send({ value: 1 });
      const before = sessionCookieFrom(anon.headers) as string;
      const login = await request(app).post('/login/alice').set('host', 'localhost').set('cookie', before);
      expect(login.status).toBe(303);
      const after = sessionCookieFrom(login.headers) as string;
      expect(after).not.toBe(before);
      expect((await request(app).get('/read').set('host', 'localhost').set('cookie', before)).body.user).toBeNull();
      expect((await request(app).get('/read').set('host', 'localhost').set('cookie', after)).body.user).toBe('alice');
      const logout = await request(app).post('/logout').set('host', 'localhost').set('cookie', after);
      expect(logout.status).toBe(303);
      expect(logout.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
      expect(parseSetCookie(setCookies(logout.headers)[0] as string).attributes.get('max-age')).toBe('0');
      expect((await request(app).get('/read').set('host', 'localhost').set('cookie', after)).body.user).toBeNull();
    });

    it('CSRF: cross-site is refused even with a token; same-origin with the token passes', async () => {
      const { app } = build(makeStore());
      const login = await request(app).post('/login/alice').set('host', 'localhost');
      const cookie = sessionCookieFrom(login.headers) as string;
      const { token } = (await request(app).get('/csrf').set('host', 'localhost').set('cookie', cookie)).body;
      const send = (headers: Record<string, string>, body: Record<string, string> = {}) =>
        request(app)
          .post('/protected')
          .set('host', 'localhost')
          .set('cookie', cookie)
          .set(headers)
          .type('form')
          .send(body);
      expect((await send({ 'sec-fetch-site': 'cross-site' }, { _csrf: token })).status).toBe(403);
      expect((await send({ 'sec-fetch-site': 'same-origin' })).status).toBe(403);
      expect((await send({ 'sec-fetch-site': 'same-origin' }, { _csrf: 'forged' })).status).toBe(403);
      expect((await send({ 'sec-fetch-site': 'same-origin' }, { _csrf: token })).status).toBe(200);
      expect((await send({ origin: 'http://localhost', 'x-csrf-token': token })).status).toBe(200);
      expect((await send({ origin: 'http://localhost.evil.example', 'x-csrf-token': token })).status).toBe(403);
    });
  });
}

describe('store outage', () => {
  for (const mode of ['reject', 'hang'] as const) {
    it(`a store that ${mode}s gives a generic 503 within the timeout, and recovers without a restart`, async () => {
      const base = memoryStore();
      const { app: healthyApp } = build(base);
      const login = await request(healthyApp).post('/login/alice').set('host', 'localhost');
      const cookie = sessionCookieFrom(login.headers) as string;
      const broken = brokenStore(mode, base);
      const { app } = build(broken);
      const started = Date.now();
      const res = await request(app).get('/read').set('host', 'localhost').set('cookie', cookie);
      expect(res.status).toBe(503);
      expect(res.text).toBe('Service unavailable');
      expect(res.text).not.toMatch(/ECONNREFUSED|hunter2|at /);
      expect(Date.now() - started).toBeLessThan(5_000);
      const loginDuringOutage = await request(app).post('/login/bob').set('host', 'localhost');
      expect(loginDuringOutage.status).toBe(503);
      expect(setCookies(loginDuringOutage.headers)).toEqual([]);
      broken.heal();
      const after = await request(app).get('/read').set('host', 'localhost').set('cookie', cookie);
      expect(after.status).toBe(200);
      expect(after.body.user).toBe('alice');
    });
  }
});

describe('SQLite at rest', () => {
  it('a dump of the SQLite file after login has neither the cookie value nor its secret, nor the data', async () => {
    const path = join(dir, 'dump.db');
    const store = sqliteStore({ path });
    const { app } = build(store);
    const login = await request(app).post('/login/alice').set('host', 'localhost');
    const cookie = sessionCookieFrom(login.headers) as string;
    await request(app).post('/set/card').set('host', 'localhost').set('cookie', cookie).send({ value: 'CANARY-9f3a' });
    const value = cookie.slice(cookie.indexOf('=') + 1);
    const [, secret, mac] = value.split('.');
    const bytes = readdirSync(dir)
      .filter((f) => f.startsWith('dump.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(bytes.length).toBeGreaterThan(0);
    for (const needle of [
      value,
      secret as string,
      mac as string,
      'CANARY-9f3a',
      Buffer.from(secret as string, 'base64url').toString('hex'),
    ]) {
      expect(bytes).not.toContain(needle);
    }
    await store.close();
  });
});
