import type { SessionStore } from '../../src/stores/contract.js';

const WRITES = new Set(['create', 'patch', 'destroy', 'destroyByUser', 'revokeAll', 'purgeExpired', 'importRecords']);

/** Wraps a store and counts calls per method, so tests can prove "zero writes" from the outside. */
export function countingStore<S extends SessionStore>(store: S) {
  const calls: Record<string, number> = {};
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store: wrapped,
    calls,
    writes: () => Object.entries(calls).reduce((n, [k, v]) => n + (WRITES.has(k) ? v : 0), 0),
    reset: () => {
      for (const k of Object.keys(calls)) delete calls[k];
    },
  };
}

/** A store whose every call fails or hangs, to play a database that is down. */
export function brokenStore(mode: 'reject' | 'hang', base: SessionStore): SessionStore & { heal(): void } {
  let broken = true;
  return new Proxy(base, {
    get(target, prop, receiver) {
      if (prop === 'heal') return () => (broken = false);
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close' || prop === 'kind') return value;
      return (...args: unknown[]) => {
        if (!broken) return (value as (...a: unknown[]) => unknown).apply(target, args);
        if (mode === 'reject') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379 password=hunter2'));
        return new Promise(() => {});
      };
    },
  }) as SessionStore & { heal(): void };
}
