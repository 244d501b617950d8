import expressSession from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import { signature } from '../../src/adapters/express-session/legacy-cookie.js';
import type { SessionEvent } from '../../src/vocabulary/events.js';
import { manualClock } from '../helpers/clock.js';
import { browser } from './helpers/client.js';
import { Jar } from './helpers/jar.js';
import { legacyId, legacyStores, storedRecord } from './helpers/legacy-stores.js';
import { passportApp } from './helpers/passport-app.js';
import { README_SECRET, readmeApp, type SessionFactory } from './helpers/readme-app.js';

const legacy = expressSession as unknown as SessionFactory;
const custos = custosSession as unknown as SessionFactory;
const NAMES = ['passport', 'readme'];
const { backends, setup, teardown } = legacyStores('convert', NAMES);
const stored = storedRecord;

beforeAll(setup);

afterAll(async () => {
  await teardown();
});

describe.each(backends)('switching express-session → custos/express-session on $label', (backend) => {
  it('keeps a passport user signed in, with their cart; the old id dies; one event', async () => {
    const store = backend.make('passport');
    const before = browser(passportApp(legacy, { store }));
    expect((await before.post('/login', { username: 'alice', password: 'alice-password' })).status).toBe(302);
    await request(passportApp(legacy, { store })).post('/cart').set('cookie', before.jar.header());
    expect((await before.get('/me')).body).toEqual({ user: 'alice' });
    const oldJar = before.jar.clone();
    const sid = legacyId(oldJar.cookies.get('connect.sid'));
    expect(await stored(store, sid)).not.toBeNull();

    const events: SessionEvent[] = [];
    const clock = manualClock(Date.now());
    const app = passportApp(custos, { store, custos: { clock, onEvent: (e: SessionEvent) => events.push(e) } });
    const after = browser(app, before.jar);
    expect((await after.get('/me')).body).toEqual({ user: 'alice' });
    const value = after.jar.cookies.get('connect.sid') ?? '';
    expect(value).not.toMatch(/^s(:|%3A)/);
    expect(value).not.toContain(sid);
    expect((await after.get('/cart')).body).toEqual(['book']);
    expect((await after.get('/me')).body).toEqual({ user: 'alice' });
    expect(events.filter((e) => e.reason?.startsWith('converted-from-express-session'))).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(sid);
    // The legacy record is gone: once the few seconds in which parallel requests of the same
    // browser share the conversion are over, a copy of the old cookie opens nothing.
    expect(await stored(store, sid)).toBeNull();
    clock.advance(6_000);
    expect((await browser(app, oldJar).get('/me')).body).toEqual({ user: null });
  });

  it('keeps a README-style req.session.user through a conversion, and logs out as before', async () => {
    const store = backend.make('readme');
    const before = browser(readmeApp(legacy, { store }));
    await before.post('/login', { user: 'bob' });
    const after = browser(readmeApp(custos, { store }), before.jar);
    expect((await after.get('/')).text).toContain('hello, bob');
    await after.get('/logout');
    expect((await after.get('/')).text).toContain('<form');
  });
});

describe('express-session cookie conversion: what is trusted', () => {
  it('converts nothing with convertExpressSessions: false (the user signs in again; the record stays)', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const before = browser(readmeApp(legacy, { store }));
    await before.post('/login', { user: 'carol' });
    const sid = legacyId(before.jar.cookies.get('connect.sid'));
    const after = browser(readmeApp(custos, { store, custos: { convertExpressSessions: false } }), before.jar);
    expect((await after.get('/')).text).toContain('<form');
    expect(await stored(store, sid)).not.toBeNull();
  });

  it('converts a cookie signed by any listed secret, never one signed by another key', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const oldSecret = 'keyboard cat';
    const before = browser(
      readmeApp(
        () =>
          expressSession({
            secret: oldSecret,
            resave: false,
            saveUninitialized: false,
            store: store as never,
          }) as never,
      ),
    );
    await before.post('/login', { user: 'dan' });
    const value = decodeURIComponent(before.jar.cookies.get('connect.sid') ?? '');
    const sid = legacyId(value);
    // Same id, signature from a key the app does not hold: forged.
    const forged = new Jar();
    forged.cookies.set('connect.sid', encodeURIComponent(`s:${sid}.${signature(sid, 'not the secret')}`));
    const rotated = readmeApp(custos, { store, secret: [README_SECRET, oldSecret] });
    expect((await browser(rotated, forged).get('/')).text).toContain('<form');
    expect(await stored(store, sid)).not.toBeNull();
    // One character of the real signature changed: refused too.
    const flipped = new Jar();
    flipped.cookies.set('connect.sid', encodeURIComponent(`${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`));
    expect((await browser(rotated, flipped).get('/')).text).toContain('<form');
    // The real cookie, signed by the second (old, short) secret: converted.
    expect((await browser(rotated, before.jar).get('/')).text).toContain('hello, dan');
    expect(await stored(store, sid)).toBeNull();
  });

  it('starts the absolute timeout from the legacy record, not from the conversion', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const before = browser(readmeApp(legacy, { store, cookie: { maxAge: 60 * 60_000 } }));
    const loginAt = Date.now();
    await before.post('/login', { user: 'erin' });
    const clock = manualClock(loginAt + 30 * 60_000);
    const app = readmeApp(custos, { store, cookie: { maxAge: 60 * 60_000 }, custos: { clock, absoluteTimeout: '2h' } });
    const after = browser(app, before.jar);
    expect((await after.get('/')).text).toContain('hello, erin');
    clock.advance(50 * 60_000);
    expect((await after.get('/')).text).toContain('hello, erin');
    clock.advance(35 * 60_000); // 1 h 55 min after the express-session login
    expect((await after.get('/')).text).toContain('hello, erin');
    clock.advance(10 * 60_000); // 2 h 5 min: past the absolute limit counted from the old record
    expect((await after.get('/')).text).toContain('<form');
  });

  it('gives parallel requests carrying the same old cookie one conversion, all signed in', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const before = browser(readmeApp(legacy, { store }));
    await before.post('/login', { user: 'fay' });
    const events: SessionEvent[] = [];
    const app = readmeApp(custos, { store, custos: { onEvent: (e: SessionEvent) => events.push(e) } });
    const header = before.jar.header();
    const responses = await Promise.all(Array.from({ length: 5 }, () => request(app).get('/').set('cookie', header)));
    for (const res of responses) expect(res.text).toContain('hello, fay');
    expect(events.filter((e) => e.reason?.startsWith('converted-from-express-session'))).toHaveLength(1);
  });

  it('answers 503 within storeTimeout when the store hangs during a conversion, and converts once it is back', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    let hang = false;
    const get = store.get.bind(store);
    store.get = (sid, cb) => (hang ? undefined : get(sid, cb));
    const before = browser(readmeApp(legacy, { store: store as never }));
    await before.post('/login', { user: 'gus' });
    const events: SessionEvent[] = [];
    const app = readmeApp(custos, {
      store,
      custos: { storeTimeout: '200ms', onEvent: (e: SessionEvent) => events.push(e) },
    });
    hang = true;
    const started = Date.now();
    const res = await request(app).get('/').set('cookie', before.jar.header()).timeout(5_000);
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(events.map((e) => e.type)).toContain('store-error');
    hang = false;
    expect((await browser(app, before.jar).get('/')).text).toContain('hello, gus');
  });
});
