import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import expressSession from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import custosSession, { type ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import type { SessionEvent } from '../../src/vocabulary/events.js';
import { manualClock } from '../helpers/clock.js';
import { Jar } from './helpers/jar.js';
import { legacyId, legacyStores, storedRecord } from './helpers/legacy-stores.js';
import { passportApp } from './helpers/passport-app.js';
import type { SessionFactory } from './helpers/readme-app.js';

const legacy = expressSession as unknown as SessionFactory;
const custos = custosSession as unknown as SessionFactory;
const servers: Server[] = [];
const PG_STORES = [
  'alternate',
  'logout-old-rolling',
  'logout-rolling-old',
  'logout-rolling-rolling',
  'rollback',
  'rollback-parallel',
  'off',
];
const { backends, setup, teardown } = legacyStores('rolling', PG_STORES);
const stored = storedRecord;

beforeAll(setup);
// Passes through: only counts what reaches the console (the once-per-process warning).
const emitted = vi.spyOn(process, 'emitWarning');

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  await teardown();
});

/** A real HTTP server on a loopback port for one app (one "instance" of the deploy). */
async function instance(app: Express): Promise<Server> {
  const server = createServer(app);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  servers.push(server);
  return server;
}

/** One browser (one cookie jar) whose requests a load balancer sends to whichever instance. */
function browserOf(jar = new Jar()) {
  const done = (res: request.Response) => {
    jar.take(res.headers);
    return res;
  };
  return {
    jar,
    get: async (at: Server, path: string) => done(await request(at).get(path).set('cookie', jar.header())),
    post: async (at: Server, path: string, form: Record<string, string> = {}) =>
      done(await request(at).post(path).set('cookie', jar.header()).type('form').send(form)),
  };
}

/** The three kinds of instance a deploy goes through, all on one store. */
async function fleet(store: ExpressSessionStore, custosOptions: Record<string, unknown> = {}) {
  return {
    old: await instance(passportApp(legacy, { store })),
    rolling: await instance(passportApp(custos, { store, custos: { rollingDeploy: true, ...custosOptions } })),
    custosOnly: await instance(passportApp(custos, { store, custos: custosOptions })),
  };
}

describe.each(backends)('custos.rollingDeploy next to real express-session on $label', (backend) => {
  it('alternating requests keep the user signed in and lose no increment, on both sides', async () => {
    const store = backend.make('alternate');
    const { old, rolling } = await fleet(store);
    const b = browserOf();
    expect((await b.post(rolling, '/login', { username: 'alice', password: 'alice-password' })).status).toBe(302);
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect(sid).not.toBe('');
    // What sits in the store is express-session's own record, which the old instance reads.
    const record = (await stored(store, sid)) as Record<string, unknown>;
    expect(record.passport).toEqual({ user: 'id-alice' });
    expect(record).toHaveProperty('cookie');
    expect(record).not.toHaveProperty('custos');
    const order = [old, rolling, rolling, old, old, rolling, old, rolling];
    for (const [i, at] of order.entries()) {
      expect((await b.get(at, '/me')).body).toEqual({ user: 'alice' });
      expect((await b.post(at, '/cart')).body).toHaveLength(i + 1);
    }
    expect((await b.get(old, '/cart')).body).toHaveLength(order.length);
    expect((await b.get(rolling, '/cart')).body).toHaveLength(order.length);
    expect(legacyId(b.jar.cookies.get('connect.sid'))).toBe(sid);
  });

  it('a login on either side rotates the id; a logout on either side signs out both', async () => {
    for (const [loginAt, logoutAt] of [
      ['old', 'rolling'],
      ['rolling', 'old'],
      ['rolling', 'rolling'],
    ] as const) {
      const store = backend.make(`logout-${loginAt}-${logoutAt}`);
      const servers = await fleet(store);
      const b = browserOf();
      await b.post(servers[loginAt === 'old' ? 'rolling' : 'old'], '/cart');
      const before = legacyId(b.jar.cookies.get('connect.sid'));
      await b.post(servers[loginAt], '/login', { username: 'bob', password: 'bob-password' });
      const after = legacyId(b.jar.cookies.get('connect.sid'));
      expect(after).not.toBe('');
      expect(after).not.toBe(before);
      expect(await stored(store, before)).toBeNull();
      expect((await b.get(servers.old, '/me')).body).toEqual({ user: 'bob' });
      expect((await b.get(servers.rolling, '/me')).body).toEqual({ user: 'bob' });
      const copy = b.jar.clone();
      await b.post(servers[logoutAt], '/logout');
      expect(await stored(store, after)).toBeNull();
      // custos also clears the cookie (express-session leaves it, naming a deleted record).
      if (logoutAt === 'rolling') expect(b.jar.cookies.has('connect.sid')).toBe(false);
      for (const jar of [b.jar, copy]) {
        const other = browserOf(jar);
        expect((await other.get(servers.old, '/me')).body).toEqual({ user: null });
        expect((await other.get(servers.rolling, '/me')).body).toEqual({ user: null });
      }
    }
  });

  it('rollback: custos without the mode → the mode on → express-session only keeps the user and the data', async () => {
    const store = backend.make('rollback');
    const { old, rolling, custosOnly } = await fleet(store);
    const b = browserOf();
    await b.post(custosOnly, '/login', { username: 'carol', password: 'carol-password' });
    await b.post(custosOnly, '/cart');
    const custosCookie = b.jar.cookies.get('connect.sid');
    expect(legacyId(custosCookie)).toBe('');
    const custosJar = b.jar.clone();
    // An instance in rolling mode turns the custos session back into an express-session one.
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'carol' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect(sid).not.toBe('');
    expect((await b.post(rolling, '/cart')).body).toHaveLength(2);
    // Only express-session from here on.
    expect((await b.get(old, '/me')).body).toEqual({ user: 'carol' });
    expect((await b.post(old, '/cart')).body).toHaveLength(3);
    // The custos copy is gone: the custos cookie from before opens nothing anywhere.
    expect((await browserOf(custosJar).get(custosOnly, '/me')).body).toEqual({ user: null });
  });

  it("a rollback of a browser's parallel requests makes one express-session copy, and signs nobody out", async () => {
    const store = backend.make('rollback-parallel');
    const { old, rolling, custosOnly } = await fleet(store);
    const b = browserOf();
    await b.post(custosOnly, '/login', { username: 'gus', password: 'gus-password' });
    const header = b.jar.header();
    const responses = await Promise.all(
      [0, 1, 2].map(() => request(rolling).post('/cart').set('cookie', header).type('form').send({})),
    );
    const ids = new Set(
      responses.map((r) => legacyId(/connect\.sid=([^;]+)/.exec(String(r.headers['set-cookie']))?.[1])),
    );
    expect([...ids].filter((id) => id !== '')).toHaveLength(1);
    for (const r of responses) b.jar.take(r.headers);
    expect((await b.get(old, '/me')).body).toEqual({ user: 'gus' });
    expect((await b.get(old, '/cart')).body.length).toBeGreaterThanOrEqual(1);
  });

  it('turning the mode off converts each session to custos on its next request, as without the mode', async () => {
    const store = backend.make('off');
    const { old, rolling, custosOnly } = await fleet(store);
    const b = browserOf();
    await b.post(old, '/login', { username: 'dan', password: 'dan-password' });
    await b.post(rolling, '/cart');
    await b.post(old, '/cart');
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect((await b.get(custosOnly, '/me')).body).toEqual({ user: 'dan' });
    expect(legacyId(b.jar.cookies.get('connect.sid'))).toBe('');
    expect((await b.get(custosOnly, '/cart')).body).toEqual(['book', 'book']);
    expect(await stored(store, sid)).toBeNull();
  });
});

describe('custos.rollingDeploy: what it says and what it still enforces', () => {
  it('warns once per process, and raises a config-warning event per instance, naming the plaintext store and when to turn it off', () => {
    const events: SessionEvent[] = [];
    const store = new expressSession.MemoryStore();
    for (let i = 0; i < 2; i++) {
      custosSession({
        secret: 'x'.repeat(40),
        store: store as never,
        custos: { rollingDeploy: true, onEvent: (e) => events.push(e) },
      });
    }
    expect(events.filter((e) => e.reason === 'rolling-deploy-plaintext-sessions')).toHaveLength(2);
    // Every instance of this file (a dozen) was built before: the console heard it once.
    const printed = emitted.mock.calls.filter(
      ([, o]) => (o as { code?: string } | undefined)?.code === 'CUSTOS_ROLLING_DEPLOY',
    );
    expect(printed).toHaveLength(1);
    expect(String(printed[0]?.[0])).toMatch(
      /plaintext in the store.*unhashed.*Turn it off as soon as no instance runs express-session/s,
    );
  });

  it('is refused at startup without an express-session store', () => {
    expect(() => custosSession({ secret: 'x'.repeat(40), custos: { rollingDeploy: true } })).toThrow(
      /rollingDeploy needs the express-session store/,
    );
  });

  it('gives a session express-session started a start on first sight, and ends it at the absolute timeout', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const clock = manualClock(Date.now());
    const events: SessionEvent[] = [];
    const { old, rolling } = await fleet(store, { clock, onEvent: (e: SessionEvent) => events.push(e) });
    const b = browserOf();
    await b.post(old, '/login', { username: 'fay', password: 'fay-password' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect(await stored(store, sid)).not.toHaveProperty('$custosStartedAt');
    // A read-only request still records the start, so the limit does not restart on every request.
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'fay' });
    expect(await stored(store, sid)).toHaveProperty('$custosStartedAt', clock());
    clock.advance(13 * 3_600_000);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: null });
    expect((await b.get(old, '/me')).body).toEqual({ user: null });
    // Idle too by then; the absolute timeout is checked first.
    expect(events.filter((e) => e.type === 'expired-absolute')).toHaveLength(1);
  });

  it('ends a session past the absolute timeout on read, for both sides (the record is deleted)', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const clock = manualClock(Date.now());
    const events: SessionEvent[] = [];
    const { old, rolling } = await fleet(store, { clock, onEvent: (e: SessionEvent) => events.push(e) });
    const b = browserOf();
    await b.post(rolling, '/login', { username: 'erin', password: 'erin-password' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    // An active user (a request every 20 minutes, inside the idle timeout) for 11 h 40 min.
    for (let minutes = 20; minutes <= 11 * 60 + 40; minutes += 20) {
      clock.advance(20 * 60_000);
      expect((await b.get(rolling, '/me')).body).toEqual({ user: 'erin' });
    }
    // 12 h 05 min: the last request was 25 minutes ago (not idle), the session is too old.
    clock.advance(25 * 60_000);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: null });
    expect(await stored(store, sid)).toBeNull();
    expect((await b.get(old, '/me')).body).toEqual({ user: null });
    expect(events.filter((e) => e.type === 'expired-absolute')).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(sid);
  });
});

describe('custos.rollingDeploy: the idle timeout of a browser-session cookie (no cookie.maxAge)', () => {
  const MINUTE = 60_000;
  /** The stamp the record carries, read straight from the store. */
  const seenAt = async (store: ExpressSessionStore, sid: string) =>
    ((await stored(store, sid)) as Record<string, unknown> | null)?.$custosSeenAt;

  it('ends a session idle for 30 minutes on every side, stamping the last request only every idle/10', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const clock = manualClock(Date.now());
    const events: SessionEvent[] = [];
    const { old, rolling } = await fleet(store, { clock, onEvent: (e: SessionEvent) => events.push(e) });
    const b = browserOf();
    await b.post(rolling, '/login', { username: 'gus', password: 'gus-password' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    const loggedInAt = clock();
    expect(await seenAt(store, sid)).toBe(loggedInAt);
    // Inside the 3-minute window a read-only request writes nothing: the stamp stays.
    clock.advance(2 * MINUTE);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'gus' });
    expect(await seenAt(store, sid)).toBe(loggedInAt);
    // Past it, the next request moves the stamp, so an active user is never idle.
    clock.advance(27 * MINUTE);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'gus' });
    expect(await seenAt(store, sid)).toBe(clock());
    clock.advance(29 * MINUTE);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'gus' });
    // express-session carries the stamp along as data, and its own writes keep it.
    expect((await b.post(old, '/cart')).body).toEqual(['book']);
    expect(await seenAt(store, sid)).toBe(clock());
    clock.advance(30 * MINUTE);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: null });
    expect(await stored(store, sid)).toBeNull();
    expect((await b.get(old, '/me')).body).toEqual({ user: null });
    expect(events.filter((e) => e.type === 'expired-idle' && e.reason === 'rolling-deploy-record-idle')).toHaveLength(
      1,
    );
    expect(JSON.stringify(events)).not.toContain(sid);
  });

  it('starts the idle clock of a session express-session started on its first request here', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const clock = manualClock(Date.now());
    const { old, rolling } = await fleet(store, { clock });
    const b = browserOf();
    await b.post(old, '/login', { username: 'hal', password: 'hal-password' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect(await stored(store, sid)).not.toHaveProperty('$custosSeenAt');
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'hal' });
    expect(await seenAt(store, sid)).toBe(clock());
    clock.advance(31 * MINUTE);
    expect((await b.get(rolling, '/me')).body).toEqual({ user: null });
  });

  it('keeps a session with cookie.maxAge to its cookie expiry (no stamp written)', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const rolling = await instance(
      passportApp(custos, { store, cookie: { maxAge: 3_600_000 }, custos: { rollingDeploy: true } }),
    );
    const b = browserOf();
    await b.post(rolling, '/login', { username: 'ida', password: 'ida-password' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'ida' });
    expect(await stored(store, sid)).not.toHaveProperty('$custosSeenAt');
  });

  it('turning the mode off does not convert a session that was idle for the idle timeout', async () => {
    const store = new expressSession.MemoryStore() as unknown as ExpressSessionStore;
    const clock = manualClock(Date.now());
    const events: SessionEvent[] = [];
    const { rolling, custosOnly } = await fleet(store, { clock, onEvent: (e: SessionEvent) => events.push(e) });
    const b = browserOf();
    await b.post(rolling, '/login', { username: 'jo', password: 'jo-password' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    const fresh = browserOf(b.jar.clone());
    clock.advance(10 * MINUTE);
    // Converted while fresh: the stamp is not session data in custos.
    expect((await fresh.get(custosOnly, '/me')).body).toEqual({ user: 'jo' });
    expect(events.filter((e) => e.reason === 'converted-from-express-session')).toHaveLength(1);
    // A second session, left idle, is not converted.
    const c = browserOf();
    await c.post(rolling, '/login', { username: 'kim', password: 'kim-password' });
    const idleSid = legacyId(c.jar.cookies.get('connect.sid'));
    clock.advance(31 * MINUTE);
    expect((await c.get(custosOnly, '/me')).body).toEqual({ user: null });
    expect(await stored(store, idleSid)).toBeNull();
    expect(events.filter((e) => e.reason === 'express-session-record-idle')).toHaveLength(1);
    expect(sid).not.toBe(idleSid);
  });
});
