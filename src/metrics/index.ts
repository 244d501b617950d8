import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SessionStore } from '../stores/contract.js';
import type { EventListener, SessionEvent } from '../vocabulary/events.js';
import { timedStore } from './timed-store.js';

export interface MetricsOptions {
  /** Where the metrics are registered. Pass prom-client's `register` to use the global one. @default new Registry() */
  registry?: Registry;
  /** Prefix of every metric name. @default 'custos_' */
  prefix?: string;
  /** Store latency buckets, in seconds. @default [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] */
  buckets?: number[];
  /**
   * Report `custos_sessions_active` by asking the wrapped store's `count()` at scrape time. On
   * Redis that is a SCAN of the prefix, so turn it off for very large Redis stores. @default true
   */
  activeSessions?: boolean;
}

export interface CustosMetrics {
  /** Pass as `createSessions({ onEvent })` (or call it from your own listener). */
  readonly onEvent: EventListener;
  /** The same store with every call timed; pass the result to `createSessions({ store })`. */
  wrapStore<S extends SessionStore>(store: S): S;
  readonly registry: Registry;
}

/** Label values come from fixed vocabularies; anything else is folded so cardinality stays bounded. */
const label = (value: string | undefined, fallback: string) =>
  value !== undefined && /^[a-z0-9-]{1,48}$/.test(value) ? value : fallback;

const SECURITY = new Set([
  'tampered',
  'unknown-id',
  'duplicate-cookie',
  'hijack-suspected',
  'guessing-suspected',
  'https-required',
]);

/**
 * Prometheus metrics for custos, built on `prom-client` (an optional peer dependency):
 *
 * | metric                                   | type      | labels                         |
 * |------------------------------------------|-----------|--------------------------------|
 * | `custos_sessions_created_total`          | counter   |                                |
 * | `custos_sessions_rotated_total`          | counter   | `reason` (login, reauthenticate…)|
 * | `custos_sessions_destroyed_total`        | counter   | (logout)                       |
 * | `custos_sessions_revoked_total`          | counter   | `reason`                       |
 * | `custos_sessions_expired_total`          | counter   | `kind` = idle / absolute       |
 * | `custos_sessions_active`                 | gauge     | (store `count()` at scrape)    |
 * | `custos_csrf_rejections_total`           | counter   | `reason`                       |
 * | `custos_security_events_total`           | counter   | `type` (tampered, unknown-id…) |
 * | `custos_store_errors_total`              | counter   | `operation`                    |
 * | `custos_store_duration_seconds`          | histogram | `operation`, `store`, `outcome` (ok / error / rejected)|
 *
 * Labels never carry a handle, user id, IP or token: only fixed reason strings.
 *
 * @example
 * import { register } from 'prom-client';
 * import { createMetrics } from 'custos/metrics';
 * const metrics = createMetrics({ registry: register });
 * const sessions = createSessions({ secrets, store: metrics.wrapStore(sqliteStore({ path })), onEvent: metrics.onEvent });
 * app.get('/metrics', async (_req, res) => res.type(register.contentType).send(await register.metrics()));
 */
export function createMetrics(options: MetricsOptions = {}): CustosMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? 'custos_';
  const registers = [registry];
  let countedStore: SessionStore | undefined;

  const created = new Counter({
    name: `${p}sessions_created_total`,
    help: 'Sessions created (first write or login).',
    registers,
  });
  const rotated = new Counter({
    name: `${p}sessions_rotated_total`,
    help: 'Session ids rotated (login on an existing session, re-authentication, renewal).',
    labelNames: ['reason'],
    registers,
  });
  const destroyed = new Counter({
    name: `${p}sessions_destroyed_total`,
    help: 'Sessions ended by logout (destroy).',
    registers,
  });
  const revoked = new Counter({
    name: `${p}sessions_revoked_total`,
    help: 'Sessions revoked; reason all-sessions counts revokeAll calls.',
    labelNames: ['reason'],
    registers,
  });
  const expired = new Counter({
    name: `${p}sessions_expired_total`,
    help: 'Sessions found expired on use.',
    labelNames: ['kind'],
    registers,
  });
  const csrf = new Counter({
    name: `${p}csrf_rejections_total`,
    help: 'Unsafe requests refused by the CSRF layers.',
    labelNames: ['reason'],
    registers,
  });
  const security = new Counter({
    name: `${p}security_events_total`,
    help: 'Tampered, unknown or duplicated cookies and hijack/guessing signals.',
    labelNames: ['type'],
    registers,
  });
  const storeErrors = new Counter({
    name: `${p}store_errors_total`,
    help: 'Store calls that failed or timed out (STORE_UNAVAILABLE).',
    labelNames: ['operation'],
    registers,
  });
  const latency = new Histogram({
    name: `${p}store_duration_seconds`,
    help: 'Latency of session store calls.',
    labelNames: ['operation', 'store', 'outcome'],
    buckets: options.buckets ?? [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  if (options.activeSessions !== false) {
    new Gauge({
      name: `${p}sessions_active`,
      help: 'Live sessions in the store (from count() at scrape time).',
      registers,
      async collect() {
        if (!countedStore?.count) return;
        try {
          this.set(await countedStore.count());
        } catch {
          storeErrors.inc({ operation: 'count' });
        }
      },
    });
  }

  const onEvent = (event: SessionEvent): void => {
    switch (event.type) {
      case 'created':
        created.inc();
        return;
      case 'rotated':
        rotated.inc({ reason: label(event.reason, 'other') });
        return;
      case 'destroyed':
        destroyed.inc();
        return;
      case 'revoked':
        revoked.inc({ reason: label(event.reason, 'handle') }, typeof event.count === 'number' ? event.count : 1);
        return;
      case 'expired-idle':
      case 'expired-absolute':
        expired.inc({ kind: event.type === 'expired-idle' ? 'idle' : 'absolute' });
        return;
      case 'csrf-rejected':
        csrf.inc({ reason: label(event.reason, 'other') });
        return;
      case 'store-error':
        storeErrors.inc({ operation: label(event.reason, 'other') });
        return;
      default:
        if (SECURITY.has(event.type)) security.inc({ type: event.type });
    }
  };

  return {
    onEvent,
    registry,
    wrapStore(store) {
      countedStore = store;
      const kind = label(store.kind, 'custom');
      return timedStore(store, (operation, seconds, outcome) =>
        latency.observe({ operation, store: kind, outcome }, seconds),
      );
    },
  };
}
