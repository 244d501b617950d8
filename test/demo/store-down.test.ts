import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { secretsEnv, TestClient } from './http-client.js';

/**
 * The session store goes away mid-flight (a private redis-server, SIGKILLed): the bank answers
 * with its own HTML 503 page (custos/express `passErrors`), never the store's error, and comes
 * back by itself when the store does.
 */
let redis: PrivateRedis;
let demo: RunningDemo;
beforeAll(async () => {
  redis = await startPrivateRedis();
  demo = await startDemo({
    port: 0,
    attackerPort: false,
    env: { ...secretsEnv(), CUSTOS_STORE: `${redis.url}?prefix=store-down:` },
  });
}, 30_000);
afterAll(async () => {
  await demo?.close();
  await redis?.dispose();
});

/** What must never reach a client: the store, its address, the error, a stack frame. */
const LEAKS = /redis|ECONNREFUSED|Connection is closed|STORE_UNAVAILABLE|CustosError|\bat [\w.<>]+ \(|node_modules/i;

function expectGeneric503(response: Response, body: string): void {
  expect(response.status).toBe(503);
  const retryAfter = response.headers.get('retry-after');
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(body).not.toMatch(LEAKS);
  expect(body).not.toContain(String(redis.port));
}

describe('the store is down', () => {
  it('pages get the HTML 503 page with Retry-After, APIs a JSON 503, /healthz 503; all 200 again after recovery', async () => {
    const alice = new TestClient(demo.bankUrl);
    expect((await alice.login('alice', 'alice-correct-horse')).status).toBe(303);
    expect((await alice.request('/account')).status).toBe(200);
    const token = await alice.formToken('/account');
    const sid = alice.sid;
    expect(sid).toBeDefined();

    await redis.stop();

    const page = await alice.request('/account');
    const html = await page.text();
    expectGeneric503(page, html);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The bank's own page (layout, stylesheet, security headers), not the adapter's plain text.
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<link rel="stylesheet" href="/style.css">');
    expect(html).toContain('<h1>Service unavailable</h1>');
    expect(html).toContain('Please try again in a moment.');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    // An outage signs nobody out: the cookie is left alone.
    expect(page.headers.getSetCookie()).toEqual([]);
    expect(alice.sid).toBe(sid);

    // A visitor without a cookie needs no store to see the home page; signing in (a store write) does.
    const visitor = new TestClient(demo.bankUrl);
    expect((await visitor.request('/')).status).toBe(200);
    const login = await visitor.login('bob', 'bob-battery-staple');
    const loginBody = await login.text();
    expectGeneric503(login, loginBody);
    expect(loginBody).toContain('<h1>Service unavailable</h1>');
    expect(visitor.sid).toBeUndefined();

    const transfer = await alice.request('/transfer', { form: { to: 'bob', amount: '10', _csrf: token } });
    const transferBody = await transfer.text();
    expectGeneric503(transfer, transferBody);
    expect(transferBody).toContain('<h1>Service unavailable</h1>');

    const api = await alice.request('/api/account');
    const apiBody = await api.text();
    expectGeneric503(api, apiBody);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(apiBody)).toEqual({ error: 'service unavailable' });

    const health = await alice.request('/healthz');
    const healthBody = await health.text();
    expectGeneric503(health, healthBody);
    expect(JSON.parse(healthBody)).toEqual({ status: 'store unavailable' });

    // The metrics endpoint still answers and counts the failures, by operation only.
    const metrics = await alice.request('/metrics');
    const metricsText = await metrics.text();
    expect(metrics.status).toBe(200);
    expect(metricsText).toMatch(/^custos_store_errors_total\{operation="get"\} [1-9]/m);
    expect(metricsText).toMatch(
      /^custos_store_duration_seconds_count\{operation="get",store="redis",outcome="error"\} [1-9]/m,
    );
    expect(metricsText).not.toContain(sid as string);

    await redis.start();
    await waitFor('the bank to see the store again', async () => (await alice.request('/healthz')).status === 200);
    const back = await alice.request('/login');
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('name="_csrf"');
    // The private Redis kept nothing across the restart: alice signs in again, and that works.
    expect((await alice.request('/api/account')).status).toBe(401);
    expect((await alice.login('alice', 'alice-correct-horse')).status).toBe(303);
    expect(await alice.balance()).toBe(5_000);
  }, 60_000);
});
