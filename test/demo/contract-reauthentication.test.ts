import { describe, expect, it } from 'vitest';
import { ALICE, BOB, client, signedIn } from './contract-fixture.js';

describe('re-authentication and sensitive changes', () => {
  it('POST /reauth checks the password, refreshes authentication time and rotates the id', async () => {
    const alice = await signedIn(ALICE);
    const before = (await (await alice.request('/api/session')).json()) as { authenticatedAt: number; handle: string };
    const sid = alice.sid;
    expect((await alice.post('/reauth', { password: 'wrong-password', next: '/settings' }, '/settings')).status).toBe(
      401,
    );
    await new Promise((r) => setTimeout(r, 5));
    const ok = await alice.post('/reauth', { password: ALICE[1], next: '/settings' }, '/settings');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/settings');
    expect(alice.sid).not.toBe(sid);
    const after = (await (await alice.request('/api/session')).json()) as { authenticatedAt: number; handle: string };
    expect(after.authenticatedAt).toBeGreaterThan(before.authenticatedAt);
    expect(after.handle).not.toBe(before.handle);
  });

  it('POST /password rotates the id and signs out every other session of the user', async () => {
    const first = await signedIn(BOB);
    const second = await signedIn(BOB);
    const sid = first.sid;
    const changed = await first.post('/password', { current: BOB[1], next: 'bob-new-password-42' }, '/settings');
    expect(changed.status).toBe(303);
    expect(first.sid).not.toBe(sid);
    expect((await first.request('/api/account')).status).toBe(200);
    expect((await second.request('/api/account')).status).toBe(401);
    expect((await client().login('bob', BOB[1])).status).toBe(401);
    const back = await signedIn(['bob', 'bob-new-password-42']);
    // Restore the contract password for the other tests.
    expect((await back.post('/password', { current: 'bob-new-password-42', next: BOB[1] }, '/settings')).status).toBe(
      303,
    );
  });

  it('POST /password with a wrong current password changes nothing', async () => {
    const alice = await signedIn(ALICE);
    const other = await signedIn(ALICE);
    expect((await alice.post('/password', { current: 'nope-nope', next: 'whatever-new-1' }, '/settings')).status).toBe(
      401,
    );
    expect((await other.request('/api/account')).status).toBe(200);
  });
});
