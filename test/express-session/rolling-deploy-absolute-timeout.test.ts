import { describe, expect, it } from 'vitest';
import { legacyId, storedRecord as stored } from './helpers/legacy-stores.js';
import { browserOf, clockedFleet } from './helpers/rolling-deploy.js';

describe('custos.rollingDeploy: what it says and what it still enforces', () => {
  it('gives a session express-session started a start on first sight, and ends it at the absolute timeout', async () => {
    const { store, clock, events, old, rolling } = await clockedFleet();
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
    const { store, clock, events, old, rolling } = await clockedFleet();
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
