import { serializeClearingCookie } from '../cookie/serialize.js';
import { sessionLogHash } from '../crypto/log-hash.js';
import { type ResolvedOptions, resolveOptions, type SessionOptions } from '../options.js';
import type { PreSessionToken } from '../protect/presession.js';
import type { CsrfVerdict } from '../protect/verify.js';
import type { SessionStore, StoreEvent } from '../stores/contract.js';
import { isCookieStore } from '../stores/cookie/index.js';
import { type EventInput, type SessionEvent, safeEmit } from '../vocabulary/events.js';
import type { RequestLike } from '../vocabulary/request.js';
import type { SessionData } from './data.js';
import type { PageRequest, SessionInfo, SessionPage } from './device-list.js';
import { ProtectionGuards } from './guards.js';
import * as admin from './manager-admin.js';
import type { ManagerContext } from './manager-context.js';
import { csrfTokenFor, preSessionCsrfFor, verifyCsrfFor } from './manager-csrf.js';
import { type LoadContext, loadSession } from './manager-load.js';
import { makeRoomFor } from './manager-session-cap.js';
import { SealedCookieMode } from './sealed-cookie-mode.js';
import type { Session } from './session.js';
import { sessionCookieAttributes } from './session-response.js';
import { StoreCaller } from './store-call.js';

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

// The class is the public surface; the work sits beside it: loading (manager-load.ts), the CSRF
// façade (manager-csrf.ts), administration (manager-admin.ts), the per-user cap
// (manager-session-cap.ts).
/**
 * The framework-free engine: reads the one cookie, verifies it, loads and checks the record,
 * and hands adapters a `Session` plus the headers to send back.
 *
 * @example
 * ```ts
 * import { SessionManager } from 'custos';
 *
 * const manager = new SessionManager({ secrets: [process.env.SESSION_SECRET!] });
 * const devices = await manager.listSessions(userId); // for a "signed-in devices" page
 * await manager.revokeUser(userId); // sign the user out everywhere
 * ```
 */
export class SessionManager<D extends object = SessionData> {
  readonly options: ResolvedOptions;
  readonly store: SessionStore;
  readonly #ctx: ManagerContext;
  readonly #guards: ProtectionGuards;
  readonly #load: LoadContext;

  constructor(options: SessionOptions) {
    this.options = resolveOptions(options);
    // The per-user cap was not configured: the developer hears once when it signs someone out.
    const defaultCap = options.maxSessionsPerUser === undefined;
    this.store = this.options.store;
    const { storeTimeout, onEvent, clock } = this.options;
    const caller = new StoreCaller(storeTimeout, onEvent, clock);
    this.#ctx = {
      options: this.options,
      store: this.store,
      call: (operation, work) => caller.call(operation, work),
      emit: (event) => this.emit(event),
      makeRoomFor: (userId) => makeRoomFor(this.#ctx, userId, defaultCap),
    };
    listenTo(this.store, (event) => this.emit(event));
    this.#guards = new ProtectionGuards(this.options, (event) => this.emit(event));
    this.#guards.warnAtStartup();
    this.#load = {
      ctx: this.#ctx,
      guards: this.#guards,
      // Set when the store is `cookieStore()`: sessions live sealed in the cookie (checklist STO-03).
      sealed: isCookieStore(this.store) ? new SealedCookieMode(this.store, this.options, (e) => this.emit(e)) : null,
      preSessionCsrf: (request) => this.preSessionCsrf(request),
    };
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
  load(request: RequestLike): Promise<Session<D>> {
    // Not `async`: returning loadSession's promise as is saves the ticks of wrapping it again.
    return loadSession<D>(this.#load, request);
  }

  /**
   * A masked synchronizer token for forms (`_csrf`) and `x-csrf-token` headers. Each call gives
   * different bytes; all verify until the session id changes (checklist CSRF-02, CSRF-03).
   * A visitor without a stored session gets the pre-session token instead, so showing a form
   * never creates a session (checklist FIX-04); its visitor cookie goes out with the session's
   * response headers, in every adapter.
   */
  csrfToken(session: Session<D>): string {
    return csrfTokenFor(session);
  }

  /** The CSRF decision for an unsafe request; `submitted` is the form field, if the adapter parsed one. */
  verifyCsrf(request: RequestLike, session: Session<D>, submitted?: string): CsrfVerdict {
    return verifyCsrfFor(this.options, (event) => this.emit(event), request, session, submitted);
  }

  /**
   * A CSRF token for a form shown before any session exists (the login form), without creating
   * a server-side session: a signed double-submit token bound to a `__Host-csrf` visitor cookie
   * (checklist FIX-04, CSRF-04). Add `setCookie` (when not null) to the response.
   */
  preSessionCsrf(request: RequestLike): PreSessionToken {
    return preSessionCsrfFor(this.options, request);
  }

  /** Unknown or forged session ids seen from `ip` in the current window (checklist BF-07). */
  guessCount(ip: string): number {
    return this.#guards.guessCount(ip);
  }

  /** The clearing `Set-Cookie` for this configuration (checklist CK-07). */
  clearingCookie(): string {
    const { cookie } = this.options;
    return serializeClearingCookie(cookie.name, sessionCookieAttributes(cookie));
  }

  /** A user's live sessions for a "your devices" page, newest first (all of them: see `listSessionsPage`). */
  async listSessions(userId: string, currentHandle?: string | null): Promise<SessionInfo[]> {
    return admin.listSessions(this.#ctx, userId, currentHandle);
  }

  /**
   * One page of a user's live sessions. On SQLite, PostgreSQL, MySQL and Redis a page costs the
   * same whatever the user's total (a user with 10,000 sessions gets page one as fast as a user
   * with ten); pass `next` as `cursor` for the following page. A cursor that is not one this API
   * returned is `INVALID_INPUT` (400), never a store outage.
   */
  async listSessionsPage(userId: string, request: PageRequest = {}): Promise<SessionPage> {
    return admin.listSessionsPage(this.#ctx, userId, request);
  }

  /**
   * Ends one session by its public handle. With `userId`, only if it belongs to that user
   * (so a user can never revoke someone else's session by guessing a handle).
   */
  async revoke(handle: string, options: { userId?: string } = {}): Promise<boolean> {
    return admin.revoke(this.#ctx, handle, options.userId);
  }

  /** Ends every session of a user, except the listed handles ("sign out my other devices"). */
  async revokeUser(userId: string, options: { except?: readonly (string | null | undefined)[] } = {}): Promise<number> {
    return admin.revokeUser(this.#ctx, userId, options.except ?? []);
  }

  /** Ends every session of every user at once, without scanning (global epoch). */
  async revokeAll(): Promise<void> {
    return admin.revokeAll(this.#ctx);
  }

  /** Deletes expired records in batches; returns how many went. */
  async purgeExpired(options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
    return admin.purgeExpired(this.#ctx, options.batchSize ?? 1000, options.maxBatches ?? Number.POSITIVE_INFINITY);
  }

  /** Whether the store answers in time (for `/healthz`). */
  async isHealthy(): Promise<boolean> {
    return admin.isHealthy(this.#ctx);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Creates the session manager. Every option is checked here, so mistakes fail at startup:
 * a missing or short secret or an unsafe cookie setting throws a `CustosError` that says what
 * to change. Hand the manager to an adapter (`custos/express`, `custos/fastify`, `custos/node`,
 * …), or call `load`, `commit` and `responseHeaders` yourself.
 *
 * @example
 * ```ts
 * import { createSessions } from 'custos';
 * import { sqliteStore } from 'custos/stores/sqlite';
 *
 * const manager = createSessions<{ cart: string[] }>({
 *   secrets: [process.env.SESSION_SECRET!],
 *   store: sqliteStore({ path: 'sessions.db' }),
 * });
 *
 * // Framework-free (a Fetch `Request`): one request's session, then the headers to send back.
 * const { method, url, headers } = request;
 * const session = await manager.load({ method, url, headers, secure: url.startsWith('https:') });
 * session.set('cart', ['book']);
 * await session.commit();
 * const responseHeaders = session.responseHeaders(); // [['set-cookie', '__Host-sid=…'], …]
 * ```
 */
export function createSessions<D extends object = SessionData>(options: SessionOptions): SessionManager<D> {
  return new SessionManager<D>(options);
}
