import expressSession from 'express-session';
import { describe, expect, it } from 'vitest';
import type { ExpressSessionStore } from '../../src/adapters/express-session/index.js';
import { manualClock } from '../helpers/clock.js';
import { legacyId, storedRecord as stored } from './helpers/legacy-stores.js';
import { passportApp } from './helpers/passport-app.js';
import { browserOf, clockedFleet, custos, fleet, instance } from './helpers/rolling-deploy.js';

describe('custos.rollingDeploy: the idle timeout of a browser-session cookie (no cookie.maxAge)', () => {
  const MINUTE = 60_000;
  /** The stamp the record carries, read straight from the store. */
  const seenAt = async (store: ExpressSessionStore, sid: string) =>
    ((await stored(store, sid)) as Record<string, unknown> | null)?.$custosSeenAt;

  it('ends a session idle for 30 minutes on every side, stamping the last request only every idle/10', async () => {
    const { store, clock, events, old, rolling } = await clockedFleet();
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
    const { store, clock, events, rolling, custosOnly } = await clockedFleet();
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
