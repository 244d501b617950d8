import type { PgPoolLike } from './pool.js';

type ErrorListener = (error: Error) => void;

interface Watch {
  readonly listeners: Set<ErrorListener>;
  readonly dispatch: ErrorListener;
}

/** One 'error' listener per pool however many stores share it (no MaxListeners warnings). */
const watches = new WeakMap<PgPoolLike, Watch>();

/**
 * pg's Pool emits 'error' when an idle client's connection dies (server restart,
 * `pg_terminate_backend`, network cut). pg has already thrown that client away and the next query
 * opens a fresh connection, but an 'error' event with no listener crashes Node. So the store keeps
 * a listener on the pool while it is open. Returns the function that stops watching.
 */
export function watchPoolErrors(pool: PgPoolLike, listener: ErrorListener): () => void {
  let watch = watches.get(pool);
  if (!watch) {
    const listeners = new Set<ErrorListener>();
    const dispatch: ErrorListener = (error) => {
      for (const notify of listeners) {
        try {
          notify(error);
        } catch {
          // A throwing logger must not turn a handled connection loss into a crash.
        }
      }
    };
    watch = { listeners, dispatch };
    watches.set(pool, watch);
    pool.on?.('error', dispatch);
  }
  const current = watch;
  const entry: ErrorListener = (error) => listener(error);
  current.listeners.add(entry);
  return () => {
    if (!current.listeners.delete(entry) || current.listeners.size > 0) return;
    pool.off?.('error', current.dispatch);
    watches.delete(pool);
  };
}
