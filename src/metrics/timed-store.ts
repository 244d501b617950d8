import { CustosError } from '../errors.js';
import type { SessionStore } from '../stores/contract.js';

/**
 * Store methods worth a sample; `exportRecords` (a long scan) and `close` are not. Shared by
 * custos/metrics and custos/otel so both report the same operations.
 */
export const OBSERVED_OPERATIONS: ReadonlySet<string> = new Set([
  'create',
  'get',
  'patch',
  'destroy',
  'listByUser',
  'destroyByUser',
  'revokeAll',
  'purgeExpired',
  'importRecords',
  'ping',
  'count',
]);

/** `rejected`: the store answered and refused the input (`COOKIE_TOO_LARGE`, `INVALID_INPUT`…), not an outage. */
export type Outcome = 'ok' | 'error' | 'rejected';

/** How a failed store call is reported: an outage, or bad input the store refused. */
export function outcomeOf(error: unknown): Outcome {
  return error instanceof CustosError && error.code !== 'STORE_UNAVAILABLE' ? 'rejected' : 'error';
}

/** Wraps one observed call: receives its operation name and a function that runs it. */
export type Around = (operation: string, run: () => Promise<unknown>) => Promise<unknown>;

/**
 * The same store, each observed call passed through `around(operation, run)`, which must call
 * `run` once and return its promise (or one that settles the same way). A Proxy keeps whatever
 * else the store offers (`migrate()`, `backupTo()`, `database`…), and methods run on the real
 * store so stores with private fields keep working.
 */
export function observedStore<S extends SessionStore>(store: S, around: Around): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !OBSERVED_OPERATIONS.has(property)) return value.bind(target);
      return (...args: unknown[]) => around(property, async () => value.apply(target, args));
    },
  });
}

export type Observe = (operation: string, seconds: number, outcome: Outcome) => void;

/** The same store, with every observed call timed. */
export function timedStore<S extends SessionStore>(store: S, observe: Observe): S {
  return observedStore(store, async (operation, run) => {
    const started = performance.now();
    try {
      const result = await run();
      observe(operation, (performance.now() - started) / 1000, 'ok');
      return result;
    } catch (error) {
      observe(operation, (performance.now() - started) / 1000, outcomeOf(error));
      throw error;
    }
  });
}
