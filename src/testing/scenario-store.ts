import type { SessionStore } from '../stores/contract.js';

/**
 * `ok` passes through; `reject`/`hang` fail every call; `reject-writes` fails only writes;
 * `conflict` answers every conditional patch with `conflict` and every create with a collision,
 * as a store does while other requests keep winning the race.
 */
export type StoreFault = 'ok' | 'reject' | 'hang' | 'reject-writes' | 'conflict';

const WRITES = new Set(['create', 'patch', 'destroy', 'destroyByUser', 'revokeAll', 'purgeExpired', 'importRecords']);

/**
 * The text of the simulated backend failure: it must never reach a response body.
 *
 * @example
 * ```ts
 * import { STORE_FAILURE_TEXT } from 'custos/testing';
 *
 * store.fault = 'reject';
 * expect((await browser.get('/read')).body).not.toContain(STORE_FAILURE_TEXT);
 * ```
 */
export const STORE_FAILURE_TEXT = 'simulated outage of db://admin:hunter2@10.0.0.9/sessions';

export interface InstrumentedStore extends SessionStore {
  /** Store writes since the last `resetWrites()`. */
  readonly writes: number;
  resetWrites(): void;
  fault: StoreFault;
}

/**
 * Wraps a real store to count writes (a read-only request must cost none, DESIGN decision 4)
 * and to simulate an outage: rejected or never-answering calls, as a dead database gives.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'custos';
 * import { instrumentStore } from 'custos/testing';
 *
 * const store = instrumentStore(memoryStore());
 * // ...a read-only request, then:
 * expect(store.writes).toBe(0);
 * store.fault = 'hang'; // every call now waits forever, like a dead database
 * ```
 */
export function instrumentStore(inner: SessionStore): InstrumentedStore {
  let writes = 0;
  let fault: StoreFault = 'ok';
  const call = (name: string, run: () => Promise<unknown>): Promise<unknown> => {
    const isWrite = WRITES.has(name);
    if (fault === 'hang') return new Promise(() => {});
    if (fault === 'reject' || (fault === 'reject-writes' && isWrite)) {
      return Promise.reject(new Error(STORE_FAILURE_TEXT));
    }
    if (isWrite) writes++;
    return run();
  };
  const store: InstrumentedStore = {
    kind: `instrumented-${inner.kind}`,
    get writes() {
      return writes;
    },
    resetWrites() {
      writes = 0;
    },
    get fault() {
      return fault;
    },
    set fault(value: StoreFault) {
      fault = value;
    },
    create: (record) =>
      call('create', () => (fault === 'conflict' ? Promise.resolve(false) : inner.create(record))) as Promise<boolean>,
    get: (id) => call('get', () => inner.get(id)) as ReturnType<SessionStore['get']>,
    patch: (id, patch) =>
      call('patch', () =>
        fault === 'conflict' && patch.expect ? Promise.resolve('conflict' as const) : inner.patch(id, patch),
      ) as ReturnType<SessionStore['patch']>,
    destroy: (id) => call('destroy', () => inner.destroy(id)) as Promise<void>,
    listByUser: (userId) =>
      call('listByUser', () => inner.listByUser(userId)) as ReturnType<SessionStore['listByUser']>,
    destroyByUser: (userId, except) =>
      call('destroyByUser', () => inner.destroyByUser(userId, except)) as Promise<number>,
    revokeAll: () => call('revokeAll', () => inner.revokeAll()) as Promise<void>,
    purgeExpired: (now, limit) => call('purgeExpired', () => inner.purgeExpired(now, limit)) as Promise<number>,
    exportRecords: () => inner.exportRecords(),
    importRecords: (records) => call('importRecords', () => inner.importRecords(records)) as Promise<number>,
    ping: () => call('ping', () => (inner.ping ? inner.ping() : Promise.resolve())) as Promise<void>,
    count: () => call('count', () => (inner.count ? inner.count() : Promise.resolve(-1))) as Promise<number>,
    close: () => inner.close(),
  };
  return store;
}
