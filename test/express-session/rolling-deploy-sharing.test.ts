import { describe, expect, it } from 'vitest';
import { legacyId, storedRecord as stored } from './helpers/legacy-stores.js';
import { browserOf, fleet, rollingDeployBackends } from './helpers/rolling-deploy.js';

const backends = rollingDeployBackends([
  'alternate',
  'logout-old-rolling',
  'logout-rolling-old',
  'logout-rolling-rolling',
]);

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
});
