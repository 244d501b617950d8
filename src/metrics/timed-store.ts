import { CustosError } from '../errors.js';
import type { SessionStore } from '../stores/contract.js';

/** Store methods worth a latency sample; `exportRecords` (a long scan) and `close` are not. */
const TIMED = new Set([
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
export type Observe = (operation: string, seconds: number, outcome: 'ok' | 'error' | 'rejected') => void;

const outcomeOf = (error: unknown) =>
  error instanceof CustosError && error.code !== 'STORE_UNAVAILABLE' ? 'rejected' : 'error';

/**
 * The same store, with every call timed. A Proxy keeps whatever else the store offers
 * (`migrate()`, `backupTo()`, `database`…), and methods run on the real store so stores with
 * private fields keep working.
 */
export function timedStore<S extends SessionStore>(store: S, observe: Observe): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !TIMED.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          const result = await value.apply(target, args);
          observe(property, (performance.now() - started) / 1000, 'ok');
          return result;
        } catch (error) {
          observe(property, (performance.now() - started) / 1000, outcomeOf(error));
          throw error;
        }
      };
    },
  });
}
