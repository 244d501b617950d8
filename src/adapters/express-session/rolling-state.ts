import { clearingCookie, type SetCookie, serializeSetCookie } from '../../cookie/serialize.js';
import type { StoreCaller } from '../../core/store-call.js';
import { randomToken } from '../../crypto/random.js';
import { CustosError } from '../../errors.js';
import {
  callbackDestroy,
  callbackGet,
  callbackSet,
  type ExpressSessionStore,
} from '../../stores/express-session/callback-store.js';
import type { CommittableSession } from '../node-shared.js';
import { type CompatOwner, CompatSession, snapshotOf } from './compat-session.js';
import { CompatCookie, withCookieFlags, withCookieLifetime } from './cookie.js';
import { signLegacyCookie } from './legacy-cookie.js';
import type { CompatSettings } from './options.js';
import { type CompatRequest, hasUser, LOGIN_WITHOUT_REGENERATE, type RequestHooks } from './request-state.js';
import { legacyRecord, readLegacyRecord } from './rolling-record.js';

/** What every rolling-mode request shares: the app's express-session store and the limits. */
export interface RollingContext {
  readonly store: ExpressSessionStore;
  readonly settings: CompatSettings;
  /** The same time limit and `store-error` events as every other store call. */
  readonly caller: StoreCaller;
  readonly clock: () => number;
  /** Rollbacks in flight or just done, by custos cookie: a browser's parallel requests share one (see rolling-load.ts). */
  readonly rollbacks: Map<string, { work: Promise<RollingStart | null>; at: number }>;
}

/** The session a rolling-mode request starts with. */
export interface RollingStart {
  /** The id of its record in the store; null for a session not stored yet. */
  readonly sid: string | null;
  /** The verified id the browser's cookie named (null: no valid express-session cookie). */
  readonly cookieSid: string | null;
  readonly data: Record<string, unknown>;
  readonly originalMaxAge: number | null;
  readonly startedAt: number;
  /**
   * Store the record with this request even if its data is unchanged: it does not carry
   * `startedAt` yet (written by express-session), or its last-seen stamp is due (rolling-record.ts).
   */
  readonly stampDue?: boolean;
  /** The browser also holds a custos cookie under another name: clear it. */
  readonly clearCustosCookie: boolean;
}

/** express-session's ids: 24 CSPRNG bytes, base64url (uid-safe's format, so old instances see their own shape). */
const mintLegacyId = () => randomToken(24);

const sameSnapshot = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/**
 * One request's session in `custos.rollingDeploy` mode: `req.session` served straight from the
 * express-session record, written back in express-session's own format through the app's store,
 * so an express-session instance on the same store reads every change and its own writes are
 * read here on the next request. What it keeps of custos: a new id on `regenerate()` (login),
 * the record deleted on destroy with the cookie cleared, and the absolute timeout on read.
 */
export class RollingState implements CompatOwner, CommittableSession {
  readonly #ctx: RollingContext;
  readonly #req: CompatRequest;
  readonly #hooks: RequestHooks;
  readonly #cookieSid: string | null;
  readonly #clearCustos: boolean;
  #sid: string | null;
  /** A record exists under `#sid`. */
  #stored: boolean;
  #startedAt: number;
  #object: CompatSession | null;
  #snapshot: Map<string, string>;
  /** The record the browser's cookie names was deleted in this request (logout): clear the cookie. */
  #cookieRecordGone = false;
  #committing = false;
  #regenerated = false;
  #stampDue: boolean;
  /** The request arrived with a stored session (so a login in it could keep a planted id). */
  readonly #hadSession: boolean;
  cookie: CompatCookie;

  constructor(ctx: RollingContext, req: CompatRequest, hooks: RequestHooks, start: RollingStart) {
    this.#ctx = ctx;
    this.#req = req;
    this.#hooks = hooks;
    this.#cookieSid = start.cookieSid;
    this.#clearCustos = start.clearCustosCookie;
    this.#sid = start.sid;
    this.#stored = start.sid !== null;
    this.#hadSession = start.sid !== null;
    this.#stampDue = start.stampDue === true;
    this.#startedAt = start.startedAt;
    // A fresh cookie restarts the lifetime from now, as express-session's `touch()` on every load.
    this.cookie = new CompatCookie(ctx.settings, start.originalMaxAge, ctx.clock);
    this.#object = new CompatSession(this, start.data);
    this.#snapshot = snapshotOf(this.#object);
  }

  get session(): CompatSession | null {
    return this.#object;
  }

  get handle(): string | null {
    return this.#sid;
  }

  /** express-session's regenerate: the old record deleted, a new id and empty data (OWASP: renew the id on login). */
  async regenerate(): Promise<void> {
    await this.#destroyRecord();
    this.#regenerated = true;
    // A new session: its start and last-seen time are now, written with its first write.
    this.#stampDue = false;
    this.#sid = mintLegacyId();
    this.#startedAt = this.#ctx.clock();
    this.cookie = new CompatCookie(this.#ctx.settings, this.#ctx.settings.maxAge, this.#ctx.clock);
    this.#object = new CompatSession(this, {});
    this.#snapshot = new Map();
    this.#req.session = this.#object;
  }

  async destroy(): Promise<void> {
    await this.#destroyRecord();
    this.#object = null;
    delete this.#req.session;
  }

  async reload(): Promise<void> {
    const sid = this.#sid;
    const raw = sid !== null && this.#stored ? await this.#call('get', () => callbackGet(this.#ctx.store, sid)) : null;
    const record = readLegacyRecord(raw, this.#ctx.clock());
    if (record === null) throw new CustosError('SESSION_DESTROYED', 'failed to load session');
    const object = this.#object as CompatSession;
    for (const key of Object.keys(object)) delete object[key];
    Object.assign(object, record.data);
    this.#snapshot = snapshotOf(object);
  }

  async save(): Promise<void> {
    await this.#persist(true);
  }

  async commit(): Promise<void> {
    this.#committing = true;
    if (this.#object !== null && this.#req.session !== this.#object) {
      // `req.session = null` or `delete req.session` (express-session's `unset` option).
      if (this.#ctx.settings.unset === 'destroy') await this.#destroyRecord();
      this.#object = null;
      return;
    }
    await this.#persist(false);
  }

  responseHeaders(): Array<[string, string]> {
    const { settings } = this.#ctx;
    const out: SetCookie[] = [];
    const scope = { path: settings.path, domain: settings.domain, httpOnly: true, sameSite: this.#sameSite() } as const;
    if (this.#clearCustos) out.push(clearingCookie(settings.cookieName, { ...scope, secure: true }));
    const cookie = this.#cookieToSend();
    if (cookie !== null) out.push(cookie);
    else if (this.#cookieRecordGone) {
      // Not Secure: the cookie may have been set by an express-session instance without it.
      out.push(clearingCookie(settings.expressSessionName, { ...scope, secure: false }));
    }
    return out.map((entry): [string, string] => ['set-cookie', serializeSetCookie(entry)]);
  }

  /** express-session's rule: a new id once stored; else on `rolling`, a lifetime change, or a change with a lifetime. */
  #cookieToSend(): SetCookie | null {
    const { settings } = this.#ctx;
    if (this.#object === null || this.#req.session !== this.#object) return null;
    const changed = this.#changed();
    // Streaming: the headers leave before the end of the request; a session that will be stored
    // gets its id now, so its cookie is on this response (the record is written before it ends).
    const willStore = this.#stored || (!this.#committing && (changed || settings.manager.saveUninitialized === true));
    if (!willStore) return null;
    this.#sid ??= mintLegacyId();
    const send =
      this.#sid !== this.#cookieSid ||
      settings.rolling ||
      this.cookie.changed ||
      (changed && this.cookie.originalMaxAge !== null) ||
      (this.#committing && this.#wroteWithLifetime);
    if (!send) return null;
    const secure = this.#secure();
    // A Secure cookie over plain HTTP would be dropped by the browser; express-session sends none either.
    if (secure && !this.#hooks.secureRequest && !this.#hooks.loopbackRequest) return null;
    const value = encodeURIComponent(signLegacyCookie(this.#sid, settings.rawSecrets[0] as string | Buffer));
    const base: SetCookie = {
      name: settings.expressSessionName,
      value,
      attributes: { path: settings.path, domain: settings.domain, secure, httpOnly: true, sameSite: this.#sameSite() },
    };
    return withCookieFlags(withCookieLifetime(base, this.cookie, this.#ctx.clock()), settings);
  }

  #wroteWithLifetime = false;

  /** Stores the record when its data changed (or on `save()`); otherwise only touches its expiry. */
  async #persist(force: boolean): Promise<void> {
    const object = this.#object;
    if (object === null) return;
    const snapshot = snapshotOf(object);
    const changed = !sameSnapshot(snapshot, this.#snapshot) || this.cookie.changed || this.#stampDue;
    // Session fixation (OWASP Session Management: renew the id on authentication): said, as in the default mode.
    if (this.#hadSession && !this.#regenerated && !hasUser(this.#snapshot) && hasUser(snapshot)) {
      this.#hooks.warn(...LOGIN_WITHOUT_REGENERATE);
    }
    const { store, settings } = this.#ctx;
    if (!force && !changed && !(this.#stored || settings.manager.saveUninitialized === true)) return;
    this.#sid ??= mintLegacyId();
    const sid = this.#sid;
    const record = legacyRecord(this.cookie, this.#secure(), snapshot, this.#startedAt, this.#ctx.clock());
    if (!force && !changed && this.#stored) {
      // express-session with resave: false touches an unchanged session so the store's TTL follows the cookie.
      const touch = store.touch;
      if (touch && this.cookie.originalMaxAge !== null) {
        await this.#call(
          'touch',
          () => new Promise<void>((ok, fail) => touch.call(store, sid, record, (e) => (e ? fail(e) : ok()))),
        );
      }
      return;
    }
    await this.#call('set', () => callbackSet(store, sid, record));
    this.#stored = true;
    this.#stampDue = false;
    this.#snapshot = snapshot;
    if (this.cookie.originalMaxAge !== null) this.#wroteWithLifetime = true;
  }

  async #destroyRecord(): Promise<void> {
    const sid = this.#sid;
    if (sid !== null && this.#stored) await this.#call('destroy', () => callbackDestroy(this.#ctx.store, sid));
    if (sid !== null && sid === this.#cookieSid) this.#cookieRecordGone = true;
    this.#sid = null;
    this.#stored = false;
  }

  #changed(): boolean {
    if (this.#object === null) return false;
    return !sameSnapshot(snapshotOf(this.#object), this.#snapshot) || this.cookie.changed || this.#stampDue;
  }

  #secure(): boolean {
    return !this.#ctx.settings.insecureCookie || this.#hooks.secureRequest;
  }

  #sameSite(): 'Lax' | 'Strict' {
    return this.#ctx.settings.sameSite === 'strict' ? 'Strict' : 'Lax';
  }

  #call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return this.#ctx.caller.call(operation, work);
  }
}
