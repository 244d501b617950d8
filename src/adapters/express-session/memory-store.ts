import { EventEmitter } from 'node:events';
import { inherits } from 'node:util';

type Callback<T = void> = (error: unknown, value?: T) => void;

/**
 * The base class express-session stores extend (`connect-pg-simple` calls
 * `require('connect-pg-simple')(session)` and extends `session.Store`). Like express-session's,
 * it is an EventEmitter and adds nothing else.
 */
export interface StoreConstructor {
  new (): EventEmitter;
  /** ES5 subclassing, as connect-sqlite3 and session-file-store do: `Store.call(this, options)`. */
  (this: unknown, ...args: unknown[]): void;
  readonly prototype: EventEmitter;
}

/**
 * A plain function rather than a class: an ES class cannot be called without `new`, and store
 * packages written before classes (connect-sqlite3, session-file-store) call `Store.call(this)`
 * and link prototypes with `util.inherits`. `class X extends Store` works with it just the same.
 *
 * @example
 * ```ts
 * import session from 'custos/express-session';
 * import connectPgSimple from 'connect-pg-simple';
 *
 * const PgStore = connectPgSimple(session); // the store package extends session.Store
 * app.use(session({ secret: process.env.SESSION_SECRET!, store: new PgStore({ pool }) }));
 * ```
 */
export const Store = function Store(this: EventEmitter) {
  EventEmitter.call(this);
} as unknown as StoreConstructor;
inherits(Store as unknown as new () => EventEmitter, EventEmitter);
/** A store object, for annotations such as `const store: session.Store = …` (as with a class). */
export type Store = EventEmitter;

/**
 * express-session's `MemoryStore`, for apps that pass `new session.MemoryStore()`: a callback
 * store over a Map, JSON-serialised, honouring `cookie.expires`. One process only; for tests.
 *
 * @example
 * ```ts
 * import session from 'custos/express-session';
 *
 * const store = new session.MemoryStore(); // tests only: one process, nothing persisted
 * app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false, store }));
 * ```
 */
export class MemoryStore extends Store {
  readonly #sessions = new Map<string, string>();

  get(sid: string, callback: Callback<unknown>): void {
    queueMicrotask(() => callback(null, this.#read(sid)));
  }

  set(sid: string, session: unknown, callback?: Callback): void {
    this.#sessions.set(sid, JSON.stringify(session));
    queueMicrotask(() => callback?.(null));
  }

  destroy(sid: string, callback?: Callback): void {
    this.#sessions.delete(sid);
    queueMicrotask(() => callback?.(null));
  }

  touch(sid: string, session: unknown, callback?: Callback): void {
    if (this.#read(sid) !== null) this.#sessions.set(sid, JSON.stringify(session));
    queueMicrotask(() => callback?.(null));
  }

  all(callback: Callback<Record<string, unknown>>): void {
    const out: Record<string, unknown> = {};
    for (const sid of [...this.#sessions.keys()]) {
      const session = this.#read(sid);
      if (session !== null) out[sid] = session;
    }
    queueMicrotask(() => callback(null, out));
  }

  length(callback: Callback<number>): void {
    this.all((error, sessions) => callback(error, Object.keys(sessions ?? {}).length));
  }

  clear(callback?: Callback): void {
    this.#sessions.clear();
    queueMicrotask(() => callback?.(null));
  }

  #read(sid: string): unknown {
    const raw = this.#sessions.get(sid);
    if (raw === undefined) return null;
    const session = JSON.parse(raw) as { cookie?: { expires?: string | null } };
    const expires = session.cookie?.expires ? Date.parse(session.cookie.expires) : Number.NaN;
    if (expires <= Date.now()) {
      this.#sessions.delete(sid);
      return null;
    }
    return session;
  }
}
