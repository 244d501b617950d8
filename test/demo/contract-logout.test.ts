import { describe, expect, it } from 'vitest';
import { ALICE, client, signedIn } from './contract-fixture.js';

describe('logout', () => {
  it('POST /logout → 303 /, clearing cookie, Clear-Site-Data; the old cookie no longer authenticates', async () => {
    const alice = await signedIn(ALICE);
    const old = alice.sid as string;
    const response = await alice.post('/logout', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('clear-site-data')).toContain('"cookies"');
    expect(response.headers.getSetCookie().some((l) => /^__Host-sid=;.*Max-Age=0/i.test(l))).toBe(true);
    const replay = client();
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
