import { CustosError } from '../errors.js';
import type { StoredSession } from '../stores/contract.js';
import { assertDataKey, encodeValue, type SessionData } from './data.js';
import type { ManagerContext } from './manager-context.js';
import { commit, needsCommit, updateField } from './session-commit.js';
import { currentJson, markDirty, readField, reloadFields, userFields } from './session-fields.js';
import {
  type AuthInfo,
  destroy,
  isAuthenticated,
  isFresh,
  type LoginOptions,
  login,
  readAuth,
  reauthenticate,
  regenerate,
} from './session-identity.js';
import { startAnonymous } from './session-mint.js';
import { preSessionFormToken, responseHeaders, type SessionResponse, sessionResponse } from './session-response.js';
import { type ClientContext, type CookieAction, createSessionState, type SessionState } from './session-state.js';

export type { AuthInfo, LoginOptions } from './session-identity.js';
export type { ClientContext } from './session-state.js';

// The class is the public surface only: each concept is a module of functions over the shared
// `SessionState` — field access (session-fields.ts), identity changes (session-identity.ts),
// every store write (session-commit.ts), the response headers (session-response.ts).
/**
 * One request's session. Reads are served from memory; `set`/`delete` are tracked per field and
 * only the changes are written at commit (DESIGN decision 4). Identity changes (`login`,
 * `reauthenticate`, `regenerate`, `destroy`) write to the store at once.
 * @example
 * ```ts
 * await req.session.login(user.id); // req.session from custos/express: a new id, the old record deleted
 * req.session.set('theme', 'dark'); // a `SessionData` key, written at commit before the response ends
 * ```
 */
export class Session<D extends object = SessionData> {
  readonly #state: SessionState;

  /** @internal Built by the manager. */
  constructor(
    ctx: ManagerContext,
    client: ClientContext,
    loaded: { record: StoredSession; secret: string; plain: Map<string, string>; reissue: boolean } | null,
    initialCookie: CookieAction,
  ) {
    this.#state = createSessionState(ctx, client, loaded, initialCookie);
  }

  // ---- read-only facts -------------------------------------------------------------------

  /** Public handle shown in device lists and used by revoke; null until the session exists. */
  get handle(): string | null {
    return this.#state.record?.id ?? null;
  }
  get userId(): string | null {
    return this.#state.record?.userId ?? null;
  }
  /** True only for a completed login (not a pending MFA step, checklist FIX-03). */
  get isAuthenticated(): boolean {
    return isAuthenticated(this.#state);
  }
  get isNew(): boolean {
    return this.#state.record !== null && !this.#state.persisted;
  }
  get isDestroyed(): boolean {
    return this.#state.destroyed;
  }
  get createdAt(): number | null {
    return this.#state.record?.createdAt ?? null;
  }
  get lastSeenAt(): number | null {
    const { record, touchDue, persisted, now } = this.#state;
    if (!record) return null;
    return touchDue || !persisted ? now : record.lastSeenAt;
  }
  get authenticatedAt(): number | null {
    return this.#state.record?.authenticatedAt ?? null;
  }
  /** When the server will treat the session as idle-expired if no request comes before. */
  get idleExpiresAt(): number | null {
    const seen = this.lastSeenAt;
    return seen === null ? null : seen + this.#state.ctx.options.idleTimeout;
  }
  get absoluteExpiresAt(): number | null {
    return this.#state.record?.absoluteExpiresAt ?? null;
  }
  get auth(): AuthInfo {
    return readAuth(this.#state);
  }

  // ---- data ------------------------------------------------------------------------------

  get<K extends keyof D & string>(key: K): D[K] | undefined {
    assertDataKey(key);
    return readField(this.#state, key) as D[K] | undefined;
  }

  has<K extends keyof D & string>(key: K): boolean {
    assertDataKey(key);
    return currentJson(this.#state, key) !== undefined;
  }

  set<K extends keyof D & string>(key: K, value: D[K]): this {
    assertDataKey(key);
    this.#write(key, encodeValue(value));
    return this;
  }

  delete<K extends keyof D & string>(key: K): this {
    assertDataKey(key);
    if (currentJson(this.#state, key) !== undefined) this.#write(key, null);
    return this;
  }

  /** Every user key with its value (internal fields excluded). */
  toJSON(): Partial<D> {
    return userFields(this.#state) as Partial<D>;
  }

  /**
   * Read-modify-write of one key that survives concurrent requests: compare-and-set on the
   * stored field with retries, so 50 parallel `update('n', n => n + 1)` end at 50.
   */
  async update<K extends keyof D & string>(key: K, fn: (current: D[K] | undefined) => D[K]): Promise<D[K]> {
    assertDataKey(key);
    return updateField<D[K]>(this.#state, key, fn);
  }

  // ---- identity changes (session-identity.ts) --------------------------------------------

  /**
   * Authenticates the session: a brand-new id, the old record deleted, authentication time
   * recorded, absolute deadline restarted (checklist FIX-01, ASVS 5.0 7.2.4).
   */
  async login(userId: string, options: LoginOptions<D> = {}): Promise<void> {
    return login(this.#state, userId, options);
  }

  /** The user proved who they are again: both timers restart and the id rotates (checklist TMO-04, RA-02). */
  async reauthenticate(options: Pick<LoginOptions<D>, 'aal' | 'amr'> = {}): Promise<void> {
    return reauthenticate(this.#state, options);
  }

  /** A new id for the same session: data, authentication time and absolute deadline carry over. */
  async regenerate(): Promise<void> {
    return regenerate(this.#state);
  }

  /** Ends the session: the record is deleted before the response, the cookie cleared (checklist TRM-01). */
  async destroy(): Promise<void> {
    return destroy(this.#state);
  }

  /** Whether the last authentication is at most `maxAge` ms old (default: the `freshAuth` option). */
  isFresh(maxAge: number = this.#state.ctx.options.freshAuth): boolean {
    return isFresh(this.#state, maxAge);
  }

  /** Throws `NOT_AUTHENTICATED` (401) or `REAUTH_REQUIRED` (403) unless authentication is fresh. */
  requireFreshAuth(maxAge?: number): void {
    if (!this.isAuthenticated) throw new CustosError('NOT_AUTHENTICATED', 'sign in first');
    if (!this.isFresh(maxAge)) throw new CustosError('REAUTH_REQUIRED', 'confirm your password to continue');
  }

  // ---- compatibility hooks (custos/express-session) --------------------------------------

  /** @internal Sends the current cookie again on this response (express-session's `rolling`). */
  refreshCookie(): void {
    const state = this.#state;
    if (state.record && state.secret && state.persisted && state.cookie === 'none') state.cookie = 'set';
  }

  /**
   * @internal Re-reads the stored fields, dropping changes not yet committed (express-session's
   * `reload`). Resolves false, with the session ended, when the record is gone or will not open.
   */
  async reload(): Promise<boolean> {
    return reloadFields(this.#state);
  }

  // ---- internal fields (protection layer) ------------------------------------------------

  /** @internal Reads a `$`-field; used by the protection layer. */
  internalGet(name: string): unknown {
    return readField(this.#state, name);
  }

  /**
   * @internal A request refused by the protection layer (e.g. CSRF) is not activity: it must not
   * slide the idle timer or trigger renewal (checklist TMO-02).
   */
  discardActivity(): void {
    this.#state.touchDue = false;
    this.#state.renewDue = false;
  }

  /** @internal Writes a `$`-field; used by the protection layer. */
  internalSet(name: string, value: unknown): void {
    this.#write(name, encodeValue(value));
  }

  // ---- commit and response (session-commit.ts, session-response.ts) ----------------------

  /**
   * @internal Whether `commit()` has anything to do; false for a read-only request inside the
   * touch window, so adapters can end the response without waiting for a promise.
   */
  needsCommit(): boolean {
    return needsCommit(this.#state);
  }

  /**
   * Writes what changed: nothing for a read-only request inside the touch window. Adapters call
   * this before the response is finished, so the client's next request sees the write.
   */
  commit(): Promise<void> {
    // Not `async`: returning commit's promise as is saves the ticks of wrapping it again.
    return commit(this.#state);
  }

  /**
   * @internal The form token for a visitor without a stored session, issued without creating
   * one: a bot or a visitor who only looks at a form costs the store nothing (checklist FIX-04).
   * Its visitor cookie goes out with `responseHeaders()`.
   */
  preSessionFormToken(): string {
    return preSessionFormToken(this.#state);
  }

  /** `Set-Cookie` values and other headers the response must carry. */
  responseHeaders(): Array<[string, string]> {
    return responseHeaders(sessionResponse(this.#state));
  }

  /**
   * @internal The same response as data: cookies as `{ name, value, attributes }`, for a layer
   * that re-shapes them (the express-session entry) before serializing them at its edge.
   */
  response(): SessionResponse {
    return sessionResponse(this.#state);
  }

  /** A first write starts the session in memory; it reaches the store at commit. */
  #write(key: string, json: string | null): void {
    if (!this.#state.record) startAnonymous(this.#state);
    markDirty(this.#state, key, json);
  }
}
