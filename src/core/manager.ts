import { readCookie } from '../cookie/parse.js';
import { serializeClearingCookie } from '../cookie/serialize.js';
import { digestsEqual } from '../crypto/compare.js';
import { sessionLogHash } from '../crypto/log-hash.js';
import { randomToken } from '../crypto/random.js';
import { CustosError } from '../errors.js';
import { type ResolvedOptions, resolveOptions, type SessionOptions } from '../options.js';
import { maskToken } from '../protect/csrf-token.js';
import { issuePreSessionToken, type PreSessionToken, preSessionCheck } from '../protect/presession.js';
import { type CsrfVerdict, verifyCsrf } from '../protect/verify.js';
import type { SessionStore, StoreEvent } from '../stores/contract.js';
import { isCookieStore } from '../stores/cookie/index.js';
import { type EventInput, type SessionEvent, safeEmit } from '../vocabulary/events.js';
import { headerValue, isLoopbackHost, type RequestLike, requestHost } from '../vocabulary/request.js';
import { warnOnce } from '../vocabulary/warn-once.js';
import type { SessionData } from './data.js';
import {
  checkPageRequest,
  describeSessions,
  type PageRequest,
  pageFromList,
  type SessionInfo,
  type SessionPage,
} from './device-list.js';
import { ProtectionGuards } from './guards.js';
import { INTERNAL } from './internal-fields.js';
import type { ManagerContext } from './manager-context.js';
import { isAbsoluteExpired, isIdleExpired } from './policy.js';
import { openFields } from './record.js';
import { SealedCookieMode } from './sealed-cookie-mode.js';
import { type ClientContext, Session } from './session.js';
import { StoreCaller } from './store-call.js';
import { parseToken, secretVerifier } from './token.js';

/** A user agent summary short enough for a device list. */
function describeDevice(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  return userAgent.slice(0, 256);
}

/**
 * A bounded store that ends a session on its own (an eviction) says so through onEvent. A store
 * wrapper that answers `listen` with a promise (a proxy timing every call) must not leave it
 * rejected and unhandled.
 */
function listenTo(store: SessionStore, listener: (event: StoreEvent) => void): void {
  if (typeof store.listen !== 'function') return;
  const answer: unknown = store.listen(listener);
  if (answer instanceof Promise) answer.catch(() => {});
}

/**
 * The framework-free engine: reads the one cookie, verifies it, loads and checks the record,
 * and hands adapters a `Session` plus the headers to send back.
 */
export class SessionManager<D extends object = SessionData> {
  readonly options: ResolvedOptions;
  readonly store: SessionStore;
  readonly #ctx: ManagerContext;
  readonly #guards: ProtectionGuards;
  /** Set when the store is `cookieStore()`: sessions live sealed in the cookie (checklist STO-03). */
  readonly #sealed: SealedCookieMode | null;
  /** The per-user cap was not configured: the developer hears once when it signs someone out. */
  readonly #defaultCap: boolean;

  constructor(options: SessionOptions) {
    this.options = resolveOptions(options);
    this.#defaultCap = options.maxSessionsPerUser === undefined;
    this.store = this.options.store;
    const { storeTimeout, onEvent, clock } = this.options;
    const caller = new StoreCaller(storeTimeout, onEvent, clock);
    this.#ctx = {
      options: this.options,
      store: this.store,
      call: (operation, work) => caller.call(operation, work),
      emit: (event) => this.emit(event),
      makeRoomFor: (userId) => this.#makeRoomFor(userId),
    };
    listenTo(this.store, (event) => this.emit(event));
    this.#guards = new ProtectionGuards(this.options, (event) => this.emit(event));
    this.#guards.warnAtStartup();
    this.#sealed = isCookieStore(this.store)
      ? new SealedCookieMode(this.store, this.options, (e) => this.emit(e))
      : null;
  }

  /** Sends an event to `onEvent`, stamped with the clock. */
  emit(event: EventInput): void {
    // No listener and nothing the guards count: skip building the stamped copy (every new
    // session and every login emits one).
    if (this.options.onEvent === undefined && !this.#guards?.observes(event.type)) return;
    const { handle, ...rest } = event;
    const stamped: SessionEvent =
      handle === undefined
        ? { ...rest, at: this.options.clock() }
        : { ...rest, sidHash: this.sidHash(handle), at: this.options.clock() };
    safeEmit(this.options.onEvent, stamped);
    this.#guards?.observe(stamped);
  }

  /**
   * The `sidHash` that events carry for the session with this public handle (checklist
   * STO-05): how an operator finds a device-list entry's log lines.
   */
  sidHash(handle: string): string {
    return sessionLogHash(this.options.keyring, handle);
  }

  /**
   * The session for a request. Untrusted input never throws: a garbled, forged, unknown,
   * duplicated or expired cookie gives an anonymous session plus an event (decision 8).
   * Only a failing store throws (`STORE_UNAVAILABLE`).
   */
  async load(request: RequestLike): Promise<Session<D>> {
    const ip = request.remoteAddress;
    const client: ClientContext = {
      ip,
      device: describeDevice(headerValue(request.headers, 'user-agent')),
      canIssueCookie: request.secure || !this.options.cookie.secure || isLoopbackHost(requestHost(request)),
      preSessionToken: () => this.preSessionCsrf(request),
    };
    this.#guards.checkRequest(request);
    const ctx = this.#sealed ? this.#sealed.requestContext(this.#ctx).ctx : this.#ctx;
    const anonymous = (clear: boolean) => new Session<D>(ctx, client, null, clear ? 'clear' : 'none');
    const { value, count } = readCookie(headerValue(request.headers, 'cookie'), this.options.cookie.name);
    if (count > 1) {
      this.emit({ type: 'duplicate-cookie', ip, reason: 'duplicate-cookie-name' });
      return anonymous(false);
    }
    if (value === null) return anonymous(false);
    if (!client.canIssueCookie) {
      // Checklist TLS-03: a session cookie arriving over plain HTTP is never honoured.
      this.emit({ type: 'https-required', ip, reason: 'cookie-over-plain-http' });
      return anonymous(false);
    }
    if (this.#sealed) {
      const loaded = await this.#sealed.load(value, ctx, ip);
      if (!loaded.ok) {
        this.emit(loaded.event);
        return anonymous(true);
      }
      return this.#checked(new Session<D>(ctx, client, { ...loaded, secret: '' }, 'none'), client, anonymous);
    }
    const parsed = parseToken(this.options.keyring, value);
    if (!parsed.ok) {
      this.emit({ type: 'tampered', ip, reason: parsed.reason });
      return anonymous(true);
    }
    const { id, secret, keyIndex } = parsed.token;
    const record = await this.#ctx.call('get', () => this.store.get(id));
    if (!record) {
      // Checklist TOK-03: an id we do not hold is never adopted.
      this.emit({ type: 'unknown-id', ip, handle: id });
      return anonymous(true);
    }
    if (!digestsEqual(record.verifier, secretVerifier(secret))) {
      this.emit({ type: 'tampered', ip, handle: id, reason: 'bad-secret' });
      return anonymous(true);
    }
    const now = this.options.clock();
    const expired = isAbsoluteExpired(record, now)
      ? 'expired-absolute'
      : isIdleExpired(record, this.options, now)
        ? 'expired-idle'
        : null;
    if (expired) {
      await this.#ctx.call('destroy', () => this.store.destroy(id));
      this.emit({ type: expired, handle: id, userId: record.userId, ip });
      return anonymous(true);
    }
    const plain = openFields(this.options.keyring, record);
    if (!plain) {
      this.emit({ type: 'tampered', handle: id, ip, reason: 'bad-seal' });
      return anonymous(true);
    }
    if (keyIndex > 0) this.emit({ type: 'key-rotated', handle: id, userId: record.userId });
    const session = new Session<D>(this.#ctx, client, { record, secret, plain, reissue: keyIndex > 0 }, 'none');
    return this.#checked(session, client, anonymous);
  }

  /**
   * Hijack signals on a loaded session (policy `destroy` ends it). Returns the session itself, not
   * a promise, in the common case: `load` then resolves without the extra ticks a returned
   * promise costs on every request.
   */
  #checked(
    session: Session<D>,
    client: ClientContext,
    anonymous: (clear: boolean) => Session<D>,
  ): Session<D> | Promise<Session<D>> {
    if (!this.#guards.checkHijack(session as Session<object>, client)) return session;
    return session.destroy().then(() => anonymous(true));
  }

  /**
   * A masked synchronizer token for forms (`_csrf`) and `x-csrf-token` headers. Each call gives
   * different bytes; all verify until the session id changes (checklist CSRF-02, CSRF-03).
   * A visitor without a stored session gets the pre-session token instead, so showing a form
   * never creates a session (checklist FIX-04); its visitor cookie goes out with the session's
   * response headers, in every adapter.
   */
  csrfToken(session: Session<D>): string {
    if (session.handle === null && session.internalGet(INTERNAL.csrf) === undefined)
      return session.preSessionFormToken();
    let secret = session.internalGet(INTERNAL.csrf);
    if (typeof secret !== 'string') {
      secret = randomToken(32);
      session.internalSet(INTERNAL.csrf, secret);
    }
    return maskToken(secret as string);
  }

  /** The CSRF decision for an unsafe request; `submitted` is the form field, if the adapter parsed one. */
  verifyCsrf(request: RequestLike, session: Session<D>, submitted?: string): CsrfVerdict {
    const { keyring, cookie } = this.options;
    const secret = session.internalGet(INTERNAL.csrf);
    const verdict = verifyCsrf(
      request,
      {
        handle: session.handle ?? undefined,
        userId: session.userId,
        secret: typeof secret === 'string' ? secret : undefined,
      },
      submitted,
      this.options.protect,
      (event) => this.emit(event),
      preSessionCheck(keyring, cookie.secure, request),
    );
    if (!verdict.ok) session.discardActivity();
    return verdict;
  }

  /**
   * A CSRF token for a form shown before any session exists (the login form), without creating
   * a server-side session: a signed double-submit token bound to a `__Host-csrf` visitor cookie
   * (checklist FIX-04, CSRF-04). Add `setCookie` (when not null) to the response.
   */
  preSessionCsrf(request: RequestLike): PreSessionToken {
    return issuePreSessionToken(this.options.keyring, this.options.cookie.secure, request);
  }

  /** Unknown or forged session ids seen from `ip` in the current window (checklist BF-07). */
  guessCount(ip: string): number {
    return this.#guards.guessCount(ip);
  }

  /** The clearing `Set-Cookie` for this configuration (checklist CK-07). */
  clearingCookie(): string {
    const { cookie } = this.options;
    return serializeClearingCookie(cookie.name, {
      path: cookie.path,
      domain: cookie.domain,
      secure: cookie.secure,
      httpOnly: true,
      sameSite: cookie.sameSite === 'strict' ? 'Strict' : 'Lax',
    });
  }

  /** A user's live sessions for a "your devices" page, newest first (all of them: see `listSessionsPage`). */
  async listSessions(userId: string, currentHandle?: string | null): Promise<SessionInfo[]> {
    const records = await this.#ctx.call('listByUser', () => this.store.listByUser(userId));
    return describeSessions(records, this.options, currentHandle).sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * One page of a user's live sessions. On SQLite, PostgreSQL, MySQL and Redis a page costs the
   * same whatever the user's total (a user with 10,000 sessions gets page one as fast as a user
   * with ten); pass `next` as `cursor` for the following page. A cursor that is not one this API
   * returned is `INVALID_INPUT` (400), never a store outage.
   */
  async listSessionsPage(userId: string, request: PageRequest = {}): Promise<SessionPage> {
    const { limit, after } = checkPageRequest(request);
    const store = this.store;
    const page = await this.#ctx.call('listByUser', () =>
      store.listByUserPage ? store.listByUserPage(userId, { limit, after }) : pageFromList(store, userId, limit, after),
    );
    return { sessions: describeSessions(page.records, this.options, request.current), next: page.next };
  }

  /**
   * Ends one session by its public handle. With `userId`, only if it belongs to that user
   * (so a user can never revoke someone else's session by guessing a handle).
   */
  async revoke(handle: string, options: { userId?: string } = {}): Promise<boolean> {
    if (typeof handle !== 'string' || handle.length === 0 || handle.length > 64) return false;
    const record = await this.#ctx.call('get', () => this.store.get(handle));
    if (!record) return false;
    if (options.userId !== undefined && record.userId !== options.userId) return false;
    await this.#ctx.call('destroy', () => this.store.destroy(handle));
    this.emit({ type: 'revoked', handle, userId: record.userId, count: 1 });
    return true;
  }

  /** Ends every session of a user, except the listed handles ("sign out my other devices"). */
  async revokeUser(userId: string, options: { except?: readonly (string | null | undefined)[] } = {}): Promise<number> {
    const except = (options.except ?? []).filter((h): h is string => typeof h === 'string');
    const count = await this.#ctx.call('destroyByUser', () => this.store.destroyByUser(userId, except));
    this.emit({ type: 'revoked', userId, count, reason: except.length > 0 ? 'other-sessions' : 'all-user-sessions' });
    return count;
  }

  /** Ends every session of every user at once, without scanning (global epoch). */
  async revokeAll(): Promise<void> {
    await this.#ctx.call('revokeAll', () => this.store.revokeAll());
    this.emit({ type: 'revoked', reason: 'all-sessions' });
  }

  /** Deletes expired records in batches; returns how many went. */
  async purgeExpired(options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
    const batch = options.batchSize ?? 1000;
    let total = 0;
    for (let i = 0; i < (options.maxBatches ?? Number.POSITIVE_INFINITY); i++) {
      const removed = await this.#ctx.call('purgeExpired', () => this.store.purgeExpired(this.options.clock(), batch));
      total += removed;
      if (removed < batch) break;
    }
    return total;
  }

  /** Whether the store answers in time (for `/healthz`). */
  async isHealthy(): Promise<boolean> {
    try {
      await this.#ctx.call('ping', () =>
        this.store.ping ? this.store.ping() : this.store.get('health-check').then(() => undefined),
      );
      return true;
    } catch {
      return false;
    }
  }

  async #makeRoomFor(userId: string): Promise<void> {
    const max = this.options.maxSessionsPerUser;
    if (max === Number.POSITIVE_INFINITY) return;
    const live = await this.listSessions(userId);
    if (live.length < max) return;
    if (this.options.onMaxSessions === 'refuse') {
      throw new CustosError(
        'TOO_MANY_SESSIONS',
        `this account already has ${max} active sessions; sign out elsewhere first`,
      );
    }
    const oldest = [...live].sort((a, b) => a.lastSeenAt - b.lastSeenAt).slice(0, live.length - max + 1);
    for (const info of oldest) {
      await this.#ctx.call('destroy', () => this.store.destroy(info.handle));
      this.emit({ type: 'revoked', handle: info.handle, userId, reason: 'max-sessions', count: 1 });
    }
    if (this.#defaultCap) {
      warnOnce(
        'max-sessions-per-user-default',
        `a user reached the default cap of ${max} sessions and the least recently used was signed out; set maxSessionsPerUser (Infinity turns the cap off) or onMaxSessions: 'refuse'.`,
      );
    }
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** Creates the session manager. Every option is checked here, so mistakes fail at startup. */
export function createSessions<D extends object = SessionData>(options: SessionOptions): SessionManager<D> {
  return new SessionManager<D>(options);
}
