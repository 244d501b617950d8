import type { SessionManager } from '../../core/manager.js';
import { isAbsoluteExpired, isIdleExpired } from '../../core/policy.js';
import { isInternal, openFields, sealFields } from '../../core/record.js';
import { CustosError } from '../../errors.js';
import type { StoredSession } from '../../stores/contract.js';
import { Store } from './memory-store.js';

type Callback<T = void> = (error: unknown, value?: T) => void;
type Data = Record<string, unknown>;

/**
 * `req.sessionStore`: express-session's Store API over custos's records, so code that reads
 * sessions by id (socket.io and ws handshakes, admin pages, `store.all()` reports) gets session
 * data as with express-session's stores, not sealed envelopes. Ids are custos handles
 * (`req.sessionID`). Anything else the app's own store object has (`client`, `prefix`, `on`...)
 * is still reachable through this object.
 */
export class SessionStoreView extends Store {
  readonly #manager: SessionManager<Record<string, unknown>>;
  readonly #cookieField: string;
  readonly #defaultMaxAge: number | null;

  constructor(manager: SessionManager<Record<string, unknown>>, cookieField: string, defaultMaxAge: number | null) {
    super();
    this.#manager = manager;
    this.#cookieField = cookieField;
    this.#defaultMaxAge = defaultMaxAge;
  }

  /** The session's data plus its `cookie`, or null (no such session, ended, or expired). */
  get(sid: string, callback: Callback<Data | null>): void {
    settle(this.#get(sid), callback);
  }

  /** Every live session, keyed by id, as express-session's MemoryStore answers. */
  all(callback: Callback<Record<string, Data>>): void {
    settle(this.#all(), callback);
  }

  length(callback: Callback<number>): void {
    settle(
      this.#all().then((all) => Object.keys(all).length),
      callback,
    );
  }

  /** Ends the session (as `manager.revoke`): its cookie stops working. */
  destroy(sid: string, callback?: Callback): void {
    settle(
      this.#manager.revoke(sid).then(() => undefined),
      callback,
    );
  }

  /** Writes the data keys of an existing session (sealed as every custos write); `cookie` is ignored. */
  set(sid: string, session: Data, callback?: Callback): void {
    settle(this.#set(sid, session), callback);
  }

  /** The idle clock is kept by custos itself on every request. */
  touch(_sid: string, _session: unknown, callback?: Callback): void {
    queueMicrotask(() => callback?.(null));
  }

  async #live(sid: string): Promise<{ record: StoredSession; plain: Map<string, string> } | null> {
    if (typeof sid !== 'string' || sid.length === 0 || sid.length > 64) return null;
    const record = await this.#manager.store.get(sid);
    return record ? this.#open(record) : null;
  }

  #open(record: StoredSession): { record: StoredSession; plain: Map<string, string> } | null {
    const { options } = this.#manager;
    const now = options.clock();
    if (isAbsoluteExpired(record, now) || isIdleExpired(record, options, now)) return null;
    const plain = openFields(options.keyring, record);
    return plain ? { record, plain } : null;
  }

  async #get(sid: string): Promise<Data | null> {
    const live = await this.#live(sid);
    return live ? this.#data(live.record, live.plain) : null;
  }

  async #all(): Promise<Record<string, Data>> {
    const out: Record<string, Data> = {};
    for await (const record of this.#manager.store.exportRecords()) {
      const live = this.#open(record);
      if (live) out[record.id] = this.#data(live.record, live.plain);
    }
    return out;
  }

  #data(record: StoredSession, plain: Map<string, string>): Data {
    const data: Data = {};
    for (const [name, json] of plain) if (!isInternal(name)) data[name] = JSON.parse(json);
    const own = plain.get(this.#cookieField);
    const originalMaxAge = own === undefined ? this.#defaultMaxAge : (JSON.parse(own) as number | null);
    const { options } = this.#manager;
    const idleEnd = record.lastSeenAt + options.idleTimeout;
    data.cookie = {
      originalMaxAge,
      // A browser-session cookie has no expiry, as in express-session; the server's deadline still holds.
      expires: originalMaxAge === null ? null : new Date(Math.min(idleEnd, record.absoluteExpiresAt)).toISOString(),
      secure: options.cookie.secure,
      httpOnly: true,
      path: options.cookie.path,
      ...(options.cookie.domain === undefined ? {} : { domain: options.cookie.domain }),
      sameSite: options.cookie.sameSite,
    };
    return data;
  }

  async #set(sid: string, session: Data): Promise<void> {
    const live = await this.#live(sid);
    if (!live) {
      throw new CustosError(
        'SESSION_DESTROYED',
        'sessionStore.set() can only change an existing session: custos sessions are created by the middleware',
      );
    }
    const entries: Array<[string, string]> = [];
    for (const [key, value] of Object.entries(session)) {
      if (key === 'cookie' || isInternal(key)) continue;
      const json = JSON.stringify(value);
      if (json !== undefined && live.plain.get(key) !== json) entries.push([key, json]);
    }
    const unset = [...live.plain.keys()].filter((k) => !isInternal(k) && !(k in session));
    const set = sealFields(this.#manager.options.keyring, sid, entries);
    const result = await this.#manager.store.patch(sid, { set, unset });
    if (result !== 'ok') throw new CustosError('SESSION_DESTROYED', 'the session ended while it was being written');
  }
}

/** The view, with the app's own store object behind it for everything the view does not define. */
export function sessionStoreView(view: SessionStoreView, appStore: unknown): SessionStoreView {
  if (typeof appStore !== 'object' || appStore === null) return view;
  return new Proxy(view, {
    get(target, prop) {
      if (prop in target) {
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      const value = Reflect.get(appStore, prop, appStore);
      return typeof value === 'function' ? value.bind(appStore) : value;
    },
  });
}

function settle<T>(work: Promise<T>, callback: Callback<T> | undefined): void {
  work.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}
