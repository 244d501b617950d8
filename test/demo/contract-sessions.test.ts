import { describe, expect, it } from 'vitest';
import { ADMIN, ALICE, BOB, signedIn } from './contract-fixture.js';
import type { TestClient } from './http-client.js';

describe('sessions', () => {
  it('GET /sessions and /api/sessions list devices without exposing any token', async () => {
    const a = await signedIn(ALICE);
    const b = await signedIn(ALICE);
    const page = await a.request('/sessions', { headers: { 'user-agent': 'DeviceA' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('This device');
    expect(html).toContain('Sign out other devices');
    for (const token of [a.sid, b.sid]) {
      const [, , secret] = (token as string).split('.');
      expect(html).not.toContain(token);
      expect(html).not.toContain(secret);
    }
    const list = (await (await a.request('/api/sessions')).json()) as Array<Record<string, unknown>>;
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const entry of list) {
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'current', 'device', 'handle', 'lastSeenAt']);
    }
    expect(list.filter((e) => e.current)).toHaveLength(1);
  });

  it("POST /sessions/:handle/revoke ends that session; another user's handle revokes nothing", async () => {
    const a = await signedIn(ALICE);
    const b = await signedIn(ALICE);
    const bob = await signedIn(BOB);
    const handleOf = async (c: TestClient) =>
      ((await (await c.request('/api/session')).json()) as { handle: string }).handle;
    const bHandle = await handleOf(b);
    const bobHandle = await handleOf(bob);
    expect((await a.post(`/sessions/${bobHandle}/revoke`, {}, '/sessions')).status).toBe(303);
    expect((await bob.request('/api/account')).status).toBe(200);
    expect((await a.post(`/sessions/${bHandle}/revoke`, {}, '/sessions')).status).toBe(303);
    expect((await b.request('/api/account')).status).toBe(401);
    expect((await a.request('/api/account')).status).toBe(200);
    // Revoking the current handle is a logout.
    const own = await a.post(`/sessions/${await handleOf(a)}/revoke`, {}, '/sessions');
    expect(own.status).toBe(303);
    expect((await a.request('/api/account')).status).toBe(401);
  });

  it('POST /sessions/revoke-others keeps only the current session', async () => {
    const a = await signedIn(ALICE);
    const b = await signedIn(ALICE);
    const c = await signedIn(ALICE);
    expect((await a.post('/sessions/revoke-others', {}, '/sessions')).status).toBe(303);
    expect((await b.request('/api/account')).status).toBe(401);
    expect((await c.request('/api/account')).status).toBe(401);
    expect((await a.request('/api/account')).status).toBe(200);
    const list = (await (await a.request('/api/sessions')).json()) as unknown[];
    expect(list).toHaveLength(1);
  });

  it('POST /admin/users/:user/revoke is for admins only', async () => {
    const bob = await signedIn(BOB);
    const alice = await signedIn(ALICE);
    expect((await alice.post('/admin/users/bob/revoke', {})).status).toBe(403);
    expect((await bob.request('/api/account')).status).toBe(200);
    const admin = await signedIn(ADMIN);
    expect((await admin.post('/admin/users/bob/revoke', {}, '/admin')).status).toBe(303);
    expect((await bob.request('/api/account')).status).toBe(401);
    expect((await alice.request('/api/account')).status).toBe(200);
  });
});
