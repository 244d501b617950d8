/**
 * The express-session `Store` interface (callback API), as connect-redis, connect-pg-simple,
 * memorystore and friends implement it. Only `get`, `set` and `destroy` are required.
 */
export interface ExpressSessionStore {
  get(sid: string, callback: (error: unknown, session?: unknown) => void): unknown;
  set(sid: string, session: unknown, callback?: (error?: unknown) => void): unknown;
  destroy(sid: string, callback?: (error?: unknown) => void): unknown;
  touch?(sid: string, session: unknown, callback?: (error?: unknown) => void): unknown;
  all?(callback: (error: unknown, sessions?: unknown) => void): unknown;
  length?(callback: (error: unknown, length?: number) => void): unknown;
  clear?(callback?: (error?: unknown) => void): unknown;
}

/** True for an object with the callback API (and not a custos store). */
export function isExpressSessionStore(value: unknown): value is ExpressSessionStore {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.get === 'function' && typeof v.set === 'function' && typeof v.destroy === 'function';
}

/**
 * session-file-store answers a missing session with its ENOENT error; express-session treats
 * that code as "no session", and so does custos.
 */
function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

/** Promise wrappers; a store that throws synchronously is treated like one that calls back with an error. */
export function callbackGet(store: ExpressSessionStore, sid: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    try {
      store.get(sid, (error, session) =>
        error && !isNotFound(error) ? reject(error) : resolve(error ? null : (session ?? null)),
      );
    } catch (error) {
      reject(error);
    }
  });
}

export function callbackSet(store: ExpressSessionStore, sid: string, session: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      store.set(sid, session, (error) => (error ? reject(error) : resolve()));
    } catch (error) {
      reject(error);
    }
  });
}

export function callbackDestroy(store: ExpressSessionStore, sid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      // Deleting what is already gone is success (session-file-store reports ENOENT).
      store.destroy(sid, (error) => (error && !isNotFound(error) ? reject(error) : resolve()));
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * Every stored session with its id. Stores answer `all` either as an array of sessions carrying
 * an `id` (connect-redis) or as an object keyed by id (express-session's MemoryStore).
 */
export function callbackAll(store: ExpressSessionStore): Promise<Array<[string, unknown]>> {
  return new Promise((resolve, reject) => {
    const all = store.all;
    if (!all) return resolve([]);
    try {
      all.call(store, (error, sessions) => {
        if (error) return reject(error);
        if (Array.isArray(sessions)) {
          const out: Array<[string, unknown]> = [];
          for (const s of sessions) {
            const id = (s as { id?: unknown } | null)?.id;
            if (typeof id === 'string') out.push([id, s]);
          }
          return resolve(out);
        }
        if (typeof sessions === 'object' && sessions !== null) return resolve(Object.entries(sessions));
        resolve([]);
      });
    } catch (error) {
      reject(error);
    }
  });
}
