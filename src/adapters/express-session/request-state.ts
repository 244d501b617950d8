import type { IncomingMessage } from 'node:http';
import { DEFAULT_ATTRIBUTE_ORDER, type SetCookie, serializeSetCookie } from '../../cookie/serialize.js';
import type { Session } from '../../core/session.js';
import { CustosError, isCustosError } from '../../errors.js';
import { applyDiff, type CompatOwner, CompatSession, snapshotOf } from './compat-session.js';
import { CompatCookie, legacyClearingCookie, withCookieFlags, withCookieLifetime } from './cookie.js';
import { withRequestAttributes } from './cookie-function.js';
import type { CompatSettings } from './options.js';

/** Internal field keeping a per-session cookie lifetime set by a handler (`req.session.cookie.maxAge = …`). */
export const COOKIE_FIELD = '$es-cookie';

export type CompatRequest = IncomingMessage & { session?: CompatSession | null; sessionID?: string };

/** What the middleware lends each request: the absolute limit and the warning channel. */
export interface RequestHooks {
  readonly absoluteTimeout: number;
  /** Whether this request came over HTTPS (directly or through a trusted proxy). */
  readonly secureRequest: boolean;
  /** Whether the request's host is loopback (development: nothing on the network to read it). */
  readonly loopbackRequest: boolean;
  /** A `config-warning` event plus a once-per-process warning. */
  warn(code: string, reason: string, message: string): void;
}

/**
 * One request's bridge between `req.session` (express-session's surface) and the custos
 * `Session` underneath. The response adapter calls `commit()` then `responseHeaders()`.
 */
export class RequestState implements CompatOwner {
  readonly #native: Session<Record<string, unknown>>;
  readonly #settings: CompatSettings;
  readonly #req: CompatRequest;
  readonly #clock: () => number;
  readonly #sendLegacyClear: boolean;
  readonly #hooks: RequestHooks;
  /** Whether the request arrived with a stored session (so a login in it could keep a planted id). */
  readonly #hadSession: boolean;
  #regenerated = false;
  /** A session dropped before it was ever stored, for a browser that holds no cookie of ours. */
  #noClearingCookie = false;
  #committing = false;
  /** Whether the end of the request took the handler's changes, and what that raised (see `#takeChanges`). */
  #taken = false;
  #takeFailure: { readonly error: unknown } | null = null;
  #object: CompatSession | null;
  #snapshot: Map<string, string>;
  cookie: CompatCookie;

  constructor(
    native: Session<Record<string, unknown>>,
    settings: CompatSettings,
    req: CompatRequest,
    clock: () => number,
    sawLegacyCookie: boolean,
    hooks: RequestHooks,
  ) {
    this.#hooks = hooks;
    this.#hadSession = native.handle !== null;
    this.#native = native;
    this.#settings = settings;
    this.#req = req;
    this.#clock = clock;
    this.#sendLegacyClear = sawLegacyCookie;
    const own = native.internalGet(COOKIE_FIELD);
    this.cookie = new CompatCookie(settings, typeof own === 'number' || own === null ? own : settings.maxAge, clock);
    const data = native.toJSON() as Record<string, unknown>;
    this.#object = new CompatSession(this, data);
    this.#snapshot = snapshotOf(data);
  }

  get session(): CompatSession | null {
    return this.#object;
  }

  /** The public handle; with `saveUninitialized`, minted when first asked for (see #startIfStoredAnyway). */
  get handle(): string | null {
    if (this.#native.handle === null) this.#startIfStoredAnyway();
    return this.#native.handle;
  }

  /**
   * With `saveUninitialized` a live session is stored at the end of the request whatever the
   * handler does, so its id can exist as soon as it is read: as in express-session, the id a first
   * request sees (a cart or a socket.io room keyed by `req.sessionID`) is the one stored. The
   * cookie lifetime is recorded with it, as express-session records the cookie in the session.
   */
  #startIfStoredAnyway(): void {
    if (!this.#storedAnyway()) return;
    try {
      this.#native.internalSet(COOKIE_FIELD, this.cookie.originalMaxAge);
    } catch (error) {
      // No cookie can be issued on this request: the id stays a placeholder, nothing is stored.
      if (!isCustosError(error, 'HTTPS_REQUIRED')) throw error;
    }
  }

  /** express-session's regenerate: the old record deleted, a fresh empty session in its place. */
  async regenerate(): Promise<void> {
    this.#regenerated = true;
    await this.#native.destroy();
    this.cookie = new CompatCookie(this.#settings, this.#settings.maxAge, this.#clock);
    this.#replace(new CompatSession(this, {}), new Map());
  }

  async destroy(): Promise<void> {
    await this.#native.destroy();
    this.#object = null;
    delete this.#req.session;
  }

  async reload(): Promise<void> {
    if (!(await this.#native.reload())) {
      throw new CustosError('SESSION_DESTROYED', 'failed to load session');
    }
    const data = this.#native.toJSON() as Record<string, unknown>;
    const object = this.#object as CompatSession;
    for (const key of Object.keys(object)) delete object[key];
    Object.assign(object, data);
    this.#snapshot = snapshotOf(data);
  }

  async save(): Promise<void> {
    this.#write({ quietOverHttp: false });
    await this.#native.commit();
  }

  /**
   * Whether the end of the response has a store write to wait for. False for a read that changed
   * nothing inside the touch window: the response then ends without a promise hop. The handler's
   * changes are taken into the session here (once), as `commit()` would take them.
   */
  needsCommit(): boolean {
    if (this.#object === null || this.#req.session !== this.#object) return true;
    try {
      this.#takeChanges();
    } catch {
      return true; // commit() reports it
    }
    return this.#native.needsCommit();
  }

  /**
   * Called once, when the response ends. Not `async`: a request that keeps its session hands
   * back the core's commit promise itself, without one more promise around it.
   */
  commit(): Promise<void> {
    this.#committing = true;
    if (this.#object !== null && this.#req.session !== this.#object) return this.#commitUnset();
    if (this.#object !== null) {
      try {
        this.#takeChanges();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#native.commit();
  }

  /** `req.session = null` or `delete req.session` (express-session's `unset` option). */
  async #commitUnset(): Promise<void> {
    const stored = this.#native.handle !== null && !this.#native.isNew;
    if (!stored) {
      // Never stored: nothing to keep or destroy, and (as in express-session) no cookie to send,
      // unless the browser holds one of ours, which is then cleared.
      await this.#native.destroy();
      this.#noClearingCookie = !this.#presentedCookie();
    } else if (this.#settings.unset === 'destroy') await this.#native.destroy();
    this.#object = null;
    await this.#native.commit();
  }

  /**
   * The end of the request's diff of `req.session` into the session, run once whether
   * `needsCommit()` or `commit()` asks first; an error it raised is raised again to the second.
   */
  #takeChanges(): void {
    this.#committing = true;
    if (!this.#taken) {
      this.#taken = true;
      try {
        this.#refreshIf(this.#write({ quietOverHttp: true }));
      } catch (error) {
        this.#takeFailure = { error };
      }
    }
    if (this.#takeFailure) throw this.#takeFailure.error;
  }

  responseHeaders(): Array<[string, string]> {
    // Headers asked for before the commit: the app streams (`res.write()` before `res.end()`) and
    // the headers leave with the first chunk. What the handler changed so far goes into the
    // session now, so a new session's cookie is on this response; its record is stored before
    // the response ends, as always (unknown ids are never adopted if that write fails).
    if (!this.#committing && this.#object !== null && this.#req.session === this.#object) {
      this.#refreshIf(this.#write({ quietOverHttp: true }));
    }
    const { cookies, headers } = this.#native.response();
    if (cookies.length === 0 && headers.length === 0 && !this.#sendLegacyClear) return [];
    const now = this.#clock();
    const out = cookies
      .filter((cookie) => !(this.#noClearingCookie && cookie.name === this.#settings.cookieName && cookie.value === ''))
      .map((cookie) =>
        this.#secureWhereHttps(
          withRequestAttributes(
            withCookieFlags(
              withCookieLifetime(cookie, this.cookie, now),
              cookie.name === this.#settings.cookieName ? this.#settings : { partitioned: false, priority: undefined },
            ),
            this.#settings,
          ),
        ),
      );
    const legacy = this.#sendLegacyClear ? legacyClearingCookie(this.#settings) : null;
    if (legacy) out.unshift(legacy);
    return [
      ...out.map((cookie): [string, string] => ['set-cookie', serializeSetCookie(cookie)]),
      ...headers.map(([name, value]): [string, string] => [name, value]),
    ];
  }

  /**
   * With `cookie.secure: false` the core issues the cookie without `Secure`. Over HTTPS it gets
   * `Secure` back, listed last (RFC 6265bis: never let an HTTPS cookie travel in cleartext later);
   * over plain HTTP it goes without, as the app asked, and the developer is told once.
   */
  #secureWhereHttps(cookie: SetCookie): SetCookie {
    if (!this.#settings.insecureCookie || cookie.name !== this.#settings.cookieName) return cookie;
    if (this.#hooks.secureRequest) {
      if (cookie.attributes.secure) return cookie;
      const order = (cookie.order ?? DEFAULT_ATTRIBUTE_ORDER).filter((name) => name !== 'Secure');
      return { ...cookie, attributes: { ...cookie.attributes, secure: true }, order: [...order, 'Secure'] };
    }
    if (!this.#hooks.loopbackRequest && cookie.value !== '') {
      this.#hooks.warn(
        'CUSTOS_COOKIE_NOT_SECURE',
        'cookie-over-plain-http',
        'cookie.secure: false: the session cookie was sent over plain HTTP without Secure, so anyone on the network path can read it and take over the session (OWASP Session Management: Secure attribute). Serve the app over HTTPS (behind a proxy: proxy: true or app.set("trust proxy", ...)) and remove secure: false.',
      );
    }
    return cookie;
  }

  /**
   * express-session re-sends the cookie when rolling, when a session with a lifetime changed, or
   * when its lifetime was changed; decided wherever the headers are built (a streamed response
   * builds them at its first chunk, before the end of the request).
   */
  #refreshIf(dataChanged: boolean): void {
    if (this.#settings.rolling || (dataChanged && this.cookie.originalMaxAge !== null) || this.cookie.changed) {
      this.#native.refreshCookie();
    }
  }

  /** Whether the request carried a cookie under the session cookie's name (valid or not). */
  #presentedCookie(): boolean {
    const header = this.#req.headers.cookie ?? '';
    return header.split(';').some((pair) => pair.trim().startsWith(`${this.#settings.cookieName}=`));
  }

  /** Whether this request's live session is stored at its end even if it holds no data (`saveUninitialized`). */
  #storedAnyway(): boolean {
    if (!this.#settings.manager.saveUninitialized || this.#object === null || this.#req.session !== this.#object) {
      return false;
    }
    return this.#hooks.secureRequest || this.#hooks.loopbackRequest || this.#settings.insecureCookie;
  }

  /** Diffs `req.session` into the custos session; returns whether any data changed. */
  #write(options: { quietOverHttp: boolean }): boolean {
    const object = this.#object;
    if (object === null) return false;
    // One JSON pass over the data serves the login check and the diff.
    const snapshot = snapshotOf(object);
    this.#checkLogin(snapshot);
    this.#checkLifetime();
    try {
      const changed = applyDiff(this.#native, snapshot, this.#snapshot);
      // A lifetime set on a session that is stored is kept with it, data or not (express-session
      // stores the cookie with every session it saves).
      if (this.cookie.changed && (changed || this.#native.handle !== null || this.#storedAnyway())) {
        this.#native.internalSet(COOKIE_FIELD, this.cookie.originalMaxAge);
      }
      this.#snapshot = snapshot;
      return changed;
    } catch (error) {
      // Over plain HTTP (not loopback) custos issues no cookie, so there is nothing to save to:
      // like an express-session `secure` cookie on HTTP, the data is dropped (checklist TLS-03).
      if (options.quietOverHttp && isCustosError(error, 'HTTPS_REQUIRED')) return false;
      throw error;
    }
  }

  /**
   * A session that gains a user without `regenerate()` keeps the id it had before the login, the
   * one an attacker may have planted (session fixation, OWASP Session Management: renew the id on
   * authentication). express-session does the same silently; here the developer is told once.
   */
  #checkLogin(now: ReadonlyMap<string, string>): void {
    if (!this.#hadSession || this.#regenerated) return;
    if (hasUser(this.#snapshot) || !hasUser(now)) return;
    this.#hooks.warn(...LOGIN_WITHOUT_REGENERATE);
  }

  /** A per-session lifetime beyond the absolute limit is capped by it (checklist CK-06); say so. */
  #checkLifetime(): void {
    const ms = this.cookie.originalMaxAge;
    if (!this.cookie.changed || ms === null || ms <= this.#hooks.absoluteTimeout) return;
    this.#hooks.warn(
      'CUSTOS_COOKIE_MAXAGE_CAPPED',
      'cookie-maxage-capped',
      `req.session.cookie.maxAge (${Math.round(ms / 1000)} s) is longer than the absolute timeout (${Math.round(this.#hooks.absoluteTimeout / 1000)} s), so the cookie ends with the session at the absolute deadline. For a longer "remember me", raise custos.absoluteTimeout (e.g. '30d') knowing a stolen cookie then stays useful that long.`,
    );
  }

  #replace(object: CompatSession, snapshot: Map<string, string>): void {
    this.#object = object;
    this.#snapshot = snapshot;
    this.#req.session = object;
  }
}

/** The `config-warning` of a login that keeps the pre-login id (code, event reason, message). */
export const LOGIN_WITHOUT_REGENERATE = [
  'CUSTOS_LOGIN_WITHOUT_REGENERATE',
  'login-without-regenerate',
  'a session gained a user (req.session.user, userId or passport.user) without req.session.regenerate(): it keeps the id it had before the login, so an id planted by an attacker (session fixation) is now signed in. Call req.session.regenerate() before storing the user (passport 0.6+ does this itself in req.login).',
] as const;

/** Whether stored data (key → JSON) names a signed-in user the usual ways. */
export function hasUser(snapshot: ReadonlyMap<string, string>): boolean {
  if (snapshot.has('user') || snapshot.has('userId')) return true;
  const passport = snapshot.get('passport');
  if (passport === undefined) return false;
  try {
    const user = (JSON.parse(passport) as { user?: unknown } | null)?.user;
    return user !== undefined && user !== null;
  } catch {
    return false;
  }
}
