import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/core/manager.js';
import { createMetrics } from '../../src/metrics/index.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { SECRET_A } from '../helpers/clock.js';

type Registryish = Registry;

/** The value of one series, 0 when absent. */
async function value(registry: Registryish, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return found?.value ?? 0;
}

const request = (extra: Record<string, string> = {}, method = 'GET') => ({
  method,
  url: '/',
  headers: { host: 'localhost', ...extra },
  secure: false,
});

describe('custos/metrics', () => {
  let registry: Registry;
  let metrics: ReturnType<typeof createMetrics>;
  let store: SessionStore;

  beforeEach(() => {
    registry = new Registry();
    metrics = createMetrics({ registry });
    store = metrics.wrapStore(memoryStore());
  });
  afterEach(() => store.close());

  async function login(manager: ReturnType<typeof createSessions>, userId: string) {
    const session = await manager.load(request({ 'user-agent': 'Test/1.0' }, 'POST'));
    await session.login(userId);
    await session.commit();
    return session;
  }

  it('counts created and revoked sessions and reports the active gauge from the store', async () => {
    const manager = createSessions({ secrets: [SECRET_A], store, onEvent: metrics.onEvent });
    const a = await login(manager, 'alice');
    await login(manager, 'bob');
    await login(manager, 'bob');
    expect(await value(registry, 'custos_sessions_created_total')).toBe(3);
    expect(await value(registry, 'custos_sessions_active')).toBe(3);

    expect(await manager.revoke(a.handle as string)).toBe(true);
    expect(await value(registry, 'custos_sessions_revoked_total', { reason: 'handle' })).toBe(1);
    expect(await manager.revokeUser('bob')).toBe(2);
    expect(await value(registry, 'custos_sessions_revoked_total', { reason: 'all-user-sessions' })).toBe(2);
    expect(await value(registry, 'custos_sessions_active')).toBe(0);

    const text = await registry.metrics();
    expect(text).toMatch(/^custos_store_duration_seconds_count\{operation="create",store="memory",outcome="ok"\} 3$/m);
    // Labels never carry who or which session.
    expect(text).not.toContain('alice');
    expect(text).not.toContain(a.handle as string);
  });

  it('counts logouts, expiry, CSRF rejections and tampered cookies', async () => {
    let now = Date.now();
    const manager = createSessions({
      secrets: [SECRET_A],
      store,
      onEvent: metrics.onEvent,
      clock: () => now,
      idleTimeout: '10m',
      protect: { origins: ['http://localhost'] },
    });
    const session = await login(manager, 'carol');
    const cookie = session
      .responseHeaders()
      .find(([n]) => n === 'set-cookie')![1]
      .split(';')[0]!;
    const attack = manager.verifyCsrf(request({ cookie, origin: 'https://evil.example' }, 'POST'), session);
    expect(attack.ok).toBe(false);
    expect(await value(registry, 'custos_csrf_rejections_total')).toBe(1);

    now += 11 * 60_000;
    expect((await manager.load(request({ cookie }))).userId).toBeNull();
    expect(await value(registry, 'custos_sessions_expired_total', { kind: 'idle' })).toBe(1);

    await manager.load(request({ cookie: `${cookie.slice(0, -4)}AAAA` }));
    expect(await value(registry, 'custos_security_events_total', { type: 'tampered' })).toBeGreaterThanOrEqual(1);

    const other = await login(manager, 'dave');
    await other.reauthenticate();
    await other.commit();
    expect(await value(registry, 'custos_sessions_rotated_total', { reason: 'reauthenticate' })).toBe(1);
    await other.destroy();
    await other.commit();
    expect(await value(registry, 'custos_sessions_destroyed_total')).toBe(1);
  });

  it('counts store errors and times failed calls', async () => {
    const failing = memoryStore();
    failing.get = async () => {
      throw new Error('connection reset');
    };
    const wrapped = metrics.wrapStore(failing);
    const manager = createSessions({ secrets: [SECRET_A], store: wrapped, onEvent: metrics.onEvent });
    const session = await createSessions({ secrets: [SECRET_A], store: memoryStore() }).load(request({}, 'POST'));
    await session.login('erin');
    await session.commit();
    const cookie = session
      .responseHeaders()
      .find(([n]) => n === 'set-cookie')![1]
      .split(';')[0]!;
    await expect(manager.load(request({ cookie }))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await value(registry, 'custos_store_errors_total', { operation: 'get' })).toBe(1);
    expect(await registry.metrics()).toMatch(
      /custos_store_duration_seconds_count\{operation="get",store="memory",outcome="error"\} 1/,
    );
    await failing.close();
  });

  it('keeps the wrapped store’s extra methods and its identity', () => {
    const base = memoryStore();
    const extra = Object.assign(base, { backupTo: async (_file: string) => 'copied' });
    const wrapped = metrics.wrapStore(extra);
    expect(wrapped.kind).toBe('memory');
    expect(typeof wrapped.backupTo).toBe('function');
    return expect(wrapped.backupTo('x'))
      .resolves.toBe('copied')
      .finally(() => base.close());
  });

  it('registers on a caller-supplied registry with a custom prefix', async () => {
    const own = new Registry();
    createMetrics({ registry: own, prefix: 'bank_', activeSessions: false });
    const names = (await own.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('bank_sessions_created_total');
    expect(names).not.toContain('bank_sessions_active');
  });
});

// The timing wrapper must be invisible to the store contract.
runStoreConformance(
  'memory wrapped by custos/metrics',
  async () => {
    const store = createMetrics().wrapStore(memoryStore());
    return { store, cleanup: async () => {} };
  },
  { describe, it, beforeEach, afterEach },
);
