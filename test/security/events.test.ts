import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { SessionEvent, SessionEventType } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';
import { brokenStore } from '../helpers/stores.js';
import { buildBank, client, HTTPS, Jar, login } from './helpers/bank.js';

const ALL_TYPES: SessionEventType[] = [
  'created',
  'rotated',
  'destroyed',
  'expired-idle',
  'expired-absolute',
  'revoked',
  'unknown-id',
  'tampered',
  'duplicate-cookie',
  'key-rotated',
  'csrf-rejected',
  'store-error',
  'hijack-suspected',
  'guessing-suspected',
  'https-required',
  'config-warning',
];

const wellFormed = () =>
  `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

describe('events (checklist STO-05)', () => {
  it('STO-05 every event type is emitted across the flows, and no session token or CSRF token ever appears in one', async () => {
    const events: SessionEvent[] = [];
    const issued = new Set<string>();
    const store = memoryStore();
    const common = {
      store,
      onEvent: (e: SessionEvent) => events.push(e),
      idleTimeout: '10m',
      absoluteTimeout: '30m',
      protect: { origins: ['https://bank.example'], guessing: { threshold: 3 } },
    };
    // Old-key instance: sessions minted under SECRET_B, later read with [SECRET_A, SECRET_B].
    const old = buildBank({ ...common, secrets: [SECRET_B] });
    const bank = buildBank({ ...common, secrets: [SECRET_A, SECRET_B], cookie: { secure: false, name: 'sid' } });
    const secure = buildBank({ ...common, secrets: [SECRET_A, SECRET_B] });
    secure.clock.set(old.clock());
    const c = client(secure);
    const keep = (jar: Jar) => {
      for (const v of jar.cookies.values()) {
        issued.add(v);
        // Every part counts, the public handle included: events carry only its keyed hash.
        for (const part of v.split('.')) if (part.length >= 16) issued.add(part);
      }
    };

    // created, rotated, destroyed, csrf-rejected, revoked
    const a = await login(secure, 'alice');
    keep(a.jar);
    issued.add(a.token);
    await c.send('post', '/transfer', a.jar, { _csrf: 'nope' });
    const r = await c.send('post', '/reauth', a.jar, { password: 'alice-pw', _csrf: a.token });
    expect(r.status).toBe(200);
    keep(a.jar);
    const t2 = await c.token(a.jar);
    issued.add(t2);
    const b = await login(secure, 'alice');
    keep(b.jar);
    await c.send('post', '/password', a.jar, { current: 'alice-pw', _csrf: t2 });
    keep(a.jar);
    const t3 = await c.token(a.jar);
    issued.add(t3);
    const loggedOut = a.jar.clone();
    await c.send('post', '/logout', a.jar, { _csrf: t3 });
    await c.get('/me', loggedOut); // unknown-id: a real id the store no longer holds
    // pre-session tokens
    const pre = new Jar();
    const page = await c.get('/login', pre);
    keep(pre);
    issued.add(/value="([^"]+)"/.exec(page.text)?.[1] as string);
    // key-rotated: a session sealed under the old key
    const o = await login(old, 'bob');
    keep(o.jar);
    await c.get('/me', o.jar);
    keep(o.jar);
    // unknown-id, tampered, duplicate-cookie, guessing-suspected
    for (let i = 0; i < 3; i++) {
      const j = new Jar();
      j.cookies.set('__Host-sid', wellFormed());
      await c.get('/me', j);
    }
    const forged = new Jar();
    forged.cookies.set('__Host-sid', `${(o.jar.sid as string).slice(0, -3)}AAA`);
    await c.get('/me', forged);
    await c.get('/me', undefined, { cookie: `__Host-sid=${o.jar.sid}; __Host-sid=${o.jar.sid}` });
    // hijack-suspected: same cookie, another user agent
    const ua = new Jar();
    await c.send('post', '/cart', ua, { item: 'x', _csrf: await c.token(ua) }, { 'user-agent': 'Firefox/140' });
    keep(ua);
    await c.get('/me', ua, { 'user-agent': 'curl/8' });
    // expired-idle and expired-absolute
    const idle = await login(secure, 'bob');
    keep(idle.jar);
    secure.clock.advance(11 * 60_000);
    await c.get('/me', idle.jar);
    const abs = await login(secure, 'bob');
    keep(abs.jar);
    for (let i = 0; i < 4; i++) {
      secure.clock.advance(8 * 60_000);
      await c.get('/me', abs.jar);
    }
    // https-required: a cookie over plain HTTP on a non-loopback host
    await request(secure.app)
      .get('/me')
      .set({ host: 'bank.example', cookie: `__Host-sid=${abs.jar.sid ?? wellFormed()}` });
    // config-warning: secure:false seen on a non-loopback host
    await request(bank.app)
      .get('/me')
      .set({ ...HTTPS });
    // store-error
    const down = buildBank({ ...common, store: brokenStore('reject', store), storeTimeout: 100 });
    await client(down).get('/me', b.jar);

    const types = new Set(events.map((e) => e.type));
    expect(ALL_TYPES.filter((t) => !types.has(t))).toEqual([]);
    const serialized = JSON.stringify(events);
    const leaks = [...issued].filter((value) => value && serialized.includes(value));
    expect(leaks).toEqual([]);
    expect(issued.size).toBeGreaterThan(20);
    for (const e of events) {
      expect(
        Object.keys(e).every((k) => ['type', 'at', 'sidHash', 'userId', 'ip', 'reason', 'count'].includes(k)),
      ).toBe(true);
    }
  });

  it('STO-05 events name a session by a keyed hash of its handle: stable per session, unguessable without the secret', async () => {
    const events: SessionEvent[] = [];
    const common = {
      store: memoryStore(),
      onEvent: (e: SessionEvent) => events.push(e),
      protect: { origins: ['https://bank.example'] },
    };
    const bank = buildBank({ ...common, secrets: [SECRET_A] });
    const a = await login(bank, 'alice');
    const handle = (a.jar.sid as string).split('.')[0] as string;
    const hash = bank.manager.sidHash(handle);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hash).not.toContain(handle);
    await client(bank).send('post', '/logout', a.jar, { _csrf: a.token });
    // The same session is named by the same value from its creation at login to its logout.
    expect(events.filter((e) => e.sidHash === hash).map((e) => e.type)).toEqual(['created', 'destroyed']);
    // Another secret gives another hash: a log reader cannot test a stolen handle without it.
    const other = buildBank({ ...common, secrets: [SECRET_B] });
    expect(other.manager.sidHash(handle)).not.toBe(hash);
    expect(events.every((e) => !('handle' in e))).toBe(true);
  });
});
