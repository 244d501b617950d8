import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { dropSchema, TEST_PG_URL, testPool, uniqueSchema } from '../helpers/postgres.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { startPrivateRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { secretsEnv, TestClient } from './http-client.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

async function demoOn(store: string, env: Record<string, string> = {}): Promise<RunningDemo> {
  const demo = await startDemo({
    port: 0,
    attackerPort: false,
    env: { ...secretsEnv(), CUSTOS_STORE: store, ...env },
  });
  cleanups.push(() => demo.close());
  return demo;
}

/** A fresh DEMO_DATA_DIR, removed after the file's tests. */
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'custos-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The core flows every store must carry: login, money, concurrent cart, logout, revocation. */
async function exercise(store: string): Promise<void> {
  const a = await demoOn(store);
  const b = await demoOn(store); // a second app instance on the same store
  const alice = new TestClient(a.bankUrl);
  expect((await alice.login('alice', 'alice-correct-horse')).status).toBe(303);
  expect(await alice.balance()).toBe(5_000);
  expect((await alice.post('/transfer', { to: 'bob', amount: '10' })).status).toBe(303);
  expect(await alice.balance()).toBe(4_990);

  const token = await alice.apiToken();
  const adds = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      alice.request('/api/cart', { json: { item: `i${i}` }, headers: { 'x-csrf-token': token } }),
    ),
  );
  expect(adds.every((r) => r.status === 200)).toBe(true);
  expect(((await (await alice.request('/api/cart')).json()) as { items: string[] }).items).toHaveLength(20);

  // The same cookie is valid on the other instance (shared store) until logout on the first.
  const onB = new TestClient(b.bankUrl);
  onB.jar.set('__Host-sid', alice.sid as string);
  expect((await onB.request('/api/session').then((r) => r.json())) as { user: string }).toMatchObject({
    user: 'alice',
  });
  expect((await alice.post('/logout', {})).status).toBe(303);
  expect((await onB.request('/api/session').then((r) => r.json())) as { user: string | null }).toMatchObject({
    user: null,
  });
  expect((await new TestClient(a.bankUrl).request('/healthz')).status).toBe(200);
  // Server-side sessions: no sealed-cookie caveat on the pages.
  const bob = new TestClient(a.bankUrl);
  expect((await bob.login('bob', 'bob-battery-staple')).status).toBe(303);
  expect(await (await bob.request('/account')).text()).not.toContain('sealed-cookie-limits');
}

describe('the bank on every CUSTOS_STORE', () => {
  it('sqlite:<path> (the default kind)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'custos-demo-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await exercise(`sqlite:${join(dir, 'nested', 'sessions.db')}`);
  });

  it('redis://', async () => {
    const prefix = `demo-test-${randomBytes(4).toString('hex')}:`;
    cleanups.push(async () => {
      const client = new Redis('redis://127.0.0.1:6379');
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    });
    await exercise(`redis://127.0.0.1:6379?prefix=${prefix}`);
  });

  it('postgres://', async () => {
    const schema = uniqueSchema('demo');
    const pool = testPool();
    cleanups.push(async () => {
      await dropSchema(pool, schema);
      await pool.end();
    });
    await exercise(`${TEST_PG_URL}?schema=${schema}`);
  });

  it('redis-cluster://', async () => {
    const cluster = await startRedisCluster();
    cleanups.push(() => cluster.stop());
    await exercise(`redis-cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`);
  }, 60_000);
});

describe('sealed-cookie mode (CUSTOS_STORE=cookie:)', () => {
  it('keeps the session in the cookie, and still revokes on logout and "sign out other devices"', async () => {
    const demo = await demoOn('cookie:', { DEMO_DATA_DIR: await dataDir() });
    const a = new TestClient(demo.bankUrl);
    const b = new TestClient(demo.bankUrl);
    expect((await a.login('alice', 'alice-correct-horse')).status).toBe(303);
    expect((await b.login('alice', 'alice-correct-horse')).status).toBe(303);
    expect(await a.balance()).toBe(5_000);
    expect((await a.post('/transfer', { to: 'bob', amount: '7' })).status).toBe(303);
    expect(await a.balance()).toBe(4_993);
    const token = await a.apiToken();
    for (const item of ['x', 'y']) {
      expect((await a.request('/api/cart', { json: { item }, headers: { 'x-csrf-token': token } })).status).toBe(200);
    }
    expect(await (await a.request('/api/cart')).json()).toEqual({ items: ['x', 'y'] });

    // The stateless mode's limits are stated where the user meets them (docs/stores.md).
    const account = await (await a.request('/account')).text();
    expect(account).toContain('id="sealed-cookie-limits"');
    expect(account).toMatch(/the last response wins/);
    const devices = await (await a.request('/sessions')).text();
    expect(devices).toMatch(/no list of your devices/);

    expect((await a.post('/sessions/revoke-others', {}, '/sessions')).status).toBe(303);
    expect((await b.request('/api/account')).status).toBe(401);
    expect((await a.request('/api/account')).status).toBe(200);

    const old = a.sid as string;
    expect((await a.post('/logout', {})).status).toBe(303);
    const replay = new TestClient(demo.bankUrl);
    replay.jar.set('__Host-sid', old);
    expect((await replay.request('/api/account')).status).toBe(401);
    expect((await replay.request('/healthz')).status).toBe(200);
  });

  it('STO-03 a cookie replayed after logout stays refused after a restart and on another instance', async () => {
    const env = { DEMO_DATA_DIR: await dataDir() };
    const first = await demoOn('cookie:', env);
    const alice = new TestClient(first.bankUrl);
    expect((await alice.login('alice', 'alice-correct-horse')).status).toBe(303);
    const copy = alice.sid as string;
    const other = await demoOn('cookie:', env); // a second instance on the same data dir
    const onOther = new TestClient(other.bankUrl);
    onOther.jar.set('__Host-sid', copy);
    expect((await onOther.request('/api/account')).status).toBe(200);
    expect((await alice.post('/logout', {})).status).toBe(303);
    expect((await onOther.request('/api/account')).status).toBe(401);
    await first.close();
    await other.close();

    const restarted = await demoOn('cookie:', env);
    const replay = new TestClient(restarted.bankUrl);
    replay.jar.set('__Host-sid', copy);
    expect((await replay.request('/api/account')).status).toBe(401);
    // The secret and the data dir are the same: a cookie that was never logged out still works.
    const bob = new TestClient(restarted.bankUrl);
    expect((await bob.login('bob', 'bob-battery-staple')).status).toBe(303);
    const bobCopy = bob.sid as string;
    await restarted.close();
    const again = await demoOn('cookie:', env);
    const bobAgain = new TestClient(again.bankUrl);
    bobAgain.jar.set('__Host-sid', bobCopy);
    expect((await bobAgain.request('/api/account')).status).toBe(200);
  }, 30_000);

  it('refuses to start when sealed-cookie revocations would live in this process only', async () => {
    for (const store of ['cookie:memory:', 'cookie:sqlite::memory:']) {
      await expect(demoOn(store, { DEMO_DATA_DIR: await dataDir() })).rejects.toThrow(/this process only/);
    }
  });
});

describe('store outage', () => {
  it('store down → 503 page and /healthz 503; back up → 200', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.dispose());
    const demo = await demoOn(redis.url);
    const alice = new TestClient(demo.bankUrl);
    expect((await alice.login('alice', 'alice-correct-horse')).status).toBe(303);
    await redis.stop();
    const health = await alice.request('/healthz');
    expect(health.status).toBe(503);
    const page = await alice.request('/account');
    expect(page.status).toBe(503);
    expect(await page.text()).not.toMatch(/redis|ECONNREFUSED|stack/i);
    await redis.start();
    await waitFor('the bank to see the store again', async () => (await alice.request('/healthz')).status === 200);
    // The private Redis kept nothing across the restart: the session is gone, never resurrected.
    expect((await alice.request('/api/account')).status).toBe(401);
  }, 30_000);
});
