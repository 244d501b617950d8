import { describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { DEFAULT_MAX_SESSIONS_PER_USER } from '../../src/options.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { manualClock, SECRET_A } from '../helpers/clock.js';
import { loginAs, req } from '../helpers/requests.js';

describe('default per-user session cap', () => {
  it('is 50: the 51st login signs the least recently used session out, with an event and a warning', async () => {
    expect(DEFAULT_MAX_SESSIONS_PER_USER).toBe(50);
    const clock = manualClock();
    const events: SessionEvent[] = [];
    const manager = createSessions({ secrets: [SECRET_A], clock, onEvent: (e) => events.push(e) });
    const cookies: string[] = [];
    for (let i = 0; i < 50; i++) {
      cookies.push(await loginAs(manager, 'alice'));
      clock.advance(1000);
    }
    expect(await manager.listSessions('alice')).toHaveLength(50);
    expect(events.some((e) => e.reason === 'max-sessions')).toBe(false);
    const newest = await loginAs(manager, 'alice');
    expect(await manager.listSessions('alice')).toHaveLength(50);
    expect((await manager.load(req(cookies[0]))).userId).toBeNull();
    expect((await manager.load(req(cookies[1]))).userId).toBe('alice');
    expect((await manager.load(req(newest))).userId).toBe('alice');
    const signedOut = events.filter((e) => e.type === 'revoked' && e.reason === 'max-sessions');
    expect(signedOut).toMatchObject([{ userId: 'alice', count: 1 }]);
    expect(hasWarned('max-sessions-per-user-default')).toBe(true);
    await manager.close();
  });

  it('applies to a server-side store passed in, and Infinity turns it off', async () => {
    const capped = createSessions({ secrets: [SECRET_A], store: sqliteStore({ path: ':memory:' }) });
    expect(capped.options.maxSessionsPerUser).toBe(50);
    const off = createSessions({ secrets: [SECRET_A], maxSessionsPerUser: Number.POSITIVE_INFINITY });
    expect(off.options.maxSessionsPerUser).toBe(Number.POSITIVE_INFINITY);
    await capped.close();
    await off.close();
  });

  it('is off with the sealed-cookie store, which cannot list sessions (no startup error)', () => {
    const manager = createSessions({ secrets: [SECRET_A], store: cookieStore() });
    expect(manager.options.maxSessionsPerUser).toBe(Number.POSITIVE_INFINITY);
  });
});
