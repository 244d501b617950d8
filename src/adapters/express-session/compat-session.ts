import type { Session } from '../../core/session.js';
import { CustosError } from '../../errors.js';
import type { CompatCookie } from './cookie.js';

type Callback = (error?: unknown) => void;

/** What a `CompatSession` asks of the request it belongs to (implemented in `request-state.ts`). */
export interface CompatOwner {
  readonly handle: string | null;
  readonly cookie: CompatCookie;
  regenerate(): Promise<void>;
  destroy(): Promise<void>;
  reload(): Promise<void>;
  save(): Promise<void>;
}

/**
 * `req.session`: a plain object whose own enumerable properties are the session data, as in
 * express-session (`req.session.views = 1`, nested objects included). Nothing is written on
 * assignment; at the end of the request (or on `save`) the properties are compared with what was
 * loaded and only changed keys are written, each as its own field (DESIGN decision 4), so
 * concurrent requests touching different keys never overwrite each other.
 *
 * @example
 * ```ts
 * import session from 'custos/express-session';
 *
 * app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * app.post('/login', (req, res, next) => {
 *   req.session.regenerate((error) => {
 *     if (error) return next(error);
 *     req.session.userId = user.id;
 *     res.redirect('/');
 *   });
 * });
 * ```
 */
export class CompatSession {
  /**
   * A private field, not a non-enumerable property: invisible to `Object.keys`, spread and JSON
   * alike, and no `Object.defineProperty` (a slow runtime call in V8) on every request.
   */
  readonly #owner: CompatOwner;
  // biome-ignore lint/suspicious/noExplicitAny: session data is untyped in express-session too
  [key: string]: any;

  constructor(owner: CompatOwner, data: Record<string, unknown>) {
    this.#owner = owner;
    Object.assign(this, data);
  }

  /** The public session handle (not a secret); undefined until the session exists. */
  get id(): string | undefined {
    return this.#owner.handle ?? undefined;
  }

  get cookie(): CompatCookie {
    return this.#owner.cookie;
  }

  /** New id, empty data (express-session semantics); the old record is deleted first. */
  regenerate(callback?: Callback): this {
    settle(this.#owner.regenerate(), callback);
    return this;
  }

  /** Deletes the session now; `req.session` is gone afterwards and the cookie is cleared. */
  destroy(callback?: Callback): this {
    settle(this.#owner.destroy(), callback);
    return this;
  }

  /** Re-reads the data from the store, dropping this request's unsaved changes. */
  reload(callback?: Callback): this {
    settle(this.#owner.reload(), callback);
    return this;
  }

  /** Writes the changed keys now (the end of the response does it anyway). */
  save(callback?: Callback): this {
    settle(this.#owner.save(), callback);
    return this;
  }

  /** Restarts the cookie lifetime; the server-side idle clock is refreshed by every request anyway. */
  touch(): this {
    this.#owner.cookie.reset();
    return this;
  }

  resetMaxAge(): this {
    return this.touch();
  }

  toJSON(): Record<string, unknown> {
    return { ...this, cookie: this.cookie.toJSON() };
  }
}

function settle(work: Promise<void>, callback: Callback | undefined): void {
  work.then(
    () => callback?.(),
    (error: unknown) => {
      if (callback) callback(error);
    },
  );
}

/** Each data key's JSON, as it would be stored; undefined and functions are not stored (as in express-session). */
export function snapshotOf(data: object): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(data)) {
    const json = JSON.stringify((data as Record<string, unknown>)[key]);
    if (json !== undefined) out.set(key, json);
  }
  return out;
}

/**
 * Writes the difference between `before` and `now` (snapshots of the object's data) into the
 * custos session as per-key `set`/`delete`. Returns whether anything changed.
 */
export function applyDiff(
  session: Session<Record<string, unknown>>,
  now: ReadonlyMap<string, string>,
  before: ReadonlyMap<string, string>,
): boolean {
  let changed = false;
  try {
    for (const [key, json] of now) {
      if (before.get(key) === json) continue;
      session.set(key, JSON.parse(json));
      changed = true;
    }
    for (const key of before.keys()) {
      if (now.has(key)) continue;
      session.delete(key);
      changed = true;
    }
  } catch (error) {
    if (error instanceof TypeError) {
      throw new CustosError('INVALID_KEY', 'session keys may not start with "$" or be longer than 200 characters', {
        cause: error,
      });
    }
    throw error;
  }
  return changed;
}
