import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv, TestClient } from './http-client.js';

/**
 * Issue 8, done when: "The metrics endpoint of the demo exposes the counters, and they move when
 * sessions are created and revoked." Black-box over HTTP: scrape, act, scrape again.
 */
let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, attackerPort: false, env: secretsEnv() });
});
afterAll(async () => {
  await demo?.close();
});

/** One sample of the Prometheus text format; absent counters read as 0 (prom-client omits unlabelled-yet ones). */
function sample(text: string, name: string, labels = ''): number {
  const series = labels ? `${name}{${labels}}` : name;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

async function scrape(): Promise<string> {
  expect(demo.metricsUrl).toBe(`${demo.bankUrl}/metrics`);
  const response = await new TestClient(demo.bankUrl).request('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  // A scrape never creates a session.
  expect(response.headers.getSetCookie()).toEqual([]);
  return response.text();
}

async function signedIn(user: string, password: string): Promise<TestClient> {
  const client = new TestClient(demo.bankUrl);
  expect((await client.login(user, password)).status).toBe(303);
  return client;
}

async function handles(client: TestClient): Promise<Array<{ handle: string; current: boolean }>> {
  return (await (await client.request('/api/sessions')).json()) as Array<{ handle: string; current: boolean }>;
}

describe('GET /metrics', () => {
  it('created and revoked counters move by exactly what happened; the active gauge follows', async () => {
    const before = await scrape();
    for (const metric of [
      'custos_sessions_created_total',
      'custos_sessions_revoked_total',
      'custos_sessions_active',
      'custos_store_duration_seconds',
    ]) {
      expect(before).toContain(`# TYPE ${metric} `);
    }
    const created0 = sample(before, 'custos_sessions_created_total');
    const active0 = sample(before, 'custos_sessions_active');
    const revoked0 = (reason: string) => sample(before, 'custos_sessions_revoked_total', `reason="${reason}"`);

    // Five sign-ins, each a brand-new session: alice on three devices, bob, admin.
    const alice = await signedIn('alice', 'alice-correct-horse');
    const alicePhone = await signedIn('alice', 'alice-correct-horse');
    const aliceTablet = await signedIn('alice', 'alice-correct-horse');
    const bob = await signedIn('bob', 'bob-battery-staple');
    const admin = await signedIn('admin', 'admin-tr0ub4dor');

    const mid = await scrape();
    expect(sample(mid, 'custos_sessions_created_total') - created0).toBe(5);
    expect(sample(mid, 'custos_sessions_active') - active0).toBe(5);

    const seen = await handles(alice);
    const phone = (await handles(alicePhone)).find((s) => s.current)?.handle as string;
    expect(seen.map((s) => s.handle)).toContain(phone);

    // One other session by handle, then "sign out other devices", then an admin revocation.
    expect((await alice.post(`/sessions/${phone}/revoke`, {}, '/sessions')).status).toBe(303);
    expect((await alicePhone.request('/api/account')).status).toBe(401);
    expect((await alice.post('/sessions/revoke-others', {}, '/sessions')).status).toBe(303);
    expect((await aliceTablet.request('/api/account')).status).toBe(401);
    expect((await admin.post('/admin/users/bob/revoke', {}, '/admin')).status).toBe(303);
    expect((await bob.request('/api/account')).status).toBe(401);

    const after = await scrape();
    const revoked = (reason: string) =>
      sample(after, 'custos_sessions_revoked_total', `reason="${reason}"`) - revoked0(reason);
    expect(revoked('handle')).toBe(1);
    expect(revoked('other-sessions')).toBe(1);
    expect(revoked('all-user-sessions')).toBe(1);
    expect(sample(after, 'custos_sessions_created_total') - created0).toBe(5);
    // alice's first device and admin remain.
    expect(sample(after, 'custos_sessions_active') - active0).toBe(2);
    expect(sample(after, 'custos_store_duration_seconds_count', 'operation="create",store="memory",outcome="ok"')).toBe(
      sample(before, 'custos_store_duration_seconds_count', 'operation="create",store="memory",outcome="ok"') + 5,
    );

    // Logout counts as destroyed, not revoked.
    const destroyed0 = sample(after, 'custos_sessions_destroyed_total');
    expect((await alice.post('/logout', {})).status).toBe(303);
    const last = await scrape();
    expect(sample(last, 'custos_sessions_destroyed_total') - destroyed0).toBe(1);
    expect(sample(last, 'custos_sessions_active') - active0).toBe(1);

    // No session handle, cookie value, CSRF token or user name anywhere in the text.
    const secrets = [
      ...seen.map((s) => s.handle),
      ...[alice, alicePhone, aliceTablet, bob, admin].map((c) => c.sid).filter((v): v is string => Boolean(v)),
      await admin.apiToken(),
      admin.sid as string,
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const text of [before, mid, after, last]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/alice|bob|admin|127\.0\.0\.1|__Host-sid/);
    }
  }, 60_000);

  it('METRICS=0 leaves the route out', async () => {
    const off = await startDemo({ port: 0, attackerPort: false, env: { ...secretsEnv(), METRICS: '0' } });
    try {
      const response = await new TestClient(off.bankUrl).request('/metrics');
      expect(off.metricsUrl).toBeNull();
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('custos_');
    } finally {
      await off.close();
    }
  });
});
