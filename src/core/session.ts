import { serializeClearingCookie, serializeCookie } from '../cookie/serialize.js';
import { randomToken } from '../crypto/random.js';
import { open, seal } from '../crypto/seal.js';
import { CustosError } from '../errors.js';
import type { StoredSession } from '../stores/contract.js';
import { applyPatch } from '../stores/patch.js';
import { assertDataKey, encodeValue, type SessionData } from './data.js';
import { clientFieldJson, INTERNAL } from './internal-fields.js';
import type { ManagerContext } from './manager-context.js';
import { needsRenewal, needsTouch, storeExpiry } from './policy.js';
import { fieldAad, isInternal, newRecord, openFields, sealFields, systemFieldPatch } from './record.js';
import { mintToken, serializeToken } from './token.js';

export interface LoginOptions<D> {
  /** Anonymous-session keys carried into the new session; everything else is dropped (checklist FIX-01). */
  keep?: readonly (keyof D & string)[];
  /** Authentication assurance level of the event (checklist FIX-05). @default 1 */
  aal?: 1 | 2 | 3;
  /** Authentication methods used, e.g. `['pwd', 'otp']`. */
  amr?: readonly string[];
  /** A half-finished login (e.g. MFA pending): `isAuthenticated` stays false (checklist FIX-03). */
  pending?: boolean;
}

export interface AuthInfo {
  readonly aal: number;
  readonly amr: readonly string[];
  readonly pending: boolean;
}

/** Per-request view of the client: filled by the manager from the RequestLike. */
export interface ClientContext {
  readonly ip: string | undefined;
  readonly device: string | undefined;
  /** TLS, or a loopback host in development: only then may a cookie be issued (checklist TLS-03). */
  readonly canIssueCookie: boolean;
  /**
   * Issues the signed double-submit token that stands in for a session's own CSRF token before
   * the visitor has a session (checklist FIX-04), with the visitor cookie to set, if any.
   */
  readonly preSessionToken: () => { readonly token: string; readonly setCookie: string | null };
}

type CookieAction = 'none' | 'set' | 'clear';

/**
 * One request's session. Reads are served from memory; `set`/`delete` are tracked per field and
 * only the changes are written at commit (DESIGN decision 4). Identity changes (`login`,
 * `reauthenticate`, `regenerate`, `destroy`) write to the store at once.
 */
export class Session<D extends object = SessionData> {
  #ctx: ManagerContext;
  #client: ClientContext;
  #record: StoredSession | null;
  #secret: string | null;
  #persisted: boolean;
  /** Plaintext JSON of every field, internal ones included. */
  #plain: Map<string, string>;
  /** Field name → new JSON, or null for a delete. */
  #dirty = new Map<string, string | null>();
  #cookie: CookieAction;
  #destroyed = false;
  #now: number;
  #touchDue = false;
  #renewDue = false;
  /** The pre-session form token of this request, once asked for: one per response. */
  #preSession: { readonly token: string; readonly setCookie: string | null } | null = null;

  /** @internal Built by the manager. */
  constructor(
    ctx: ManagerContext,
    client: ClientContext,
    loaded: { record: StoredSession; secret: string; plain: Map<string, string>; reissue: boolean } | null,
    initialCookie: CookieAction,
  ) {
    this.#ctx = ctx;
    this.#client = client;
    this.#now = ctx.options.clock();
    this.#record = loaded?.record ?? null;
    this.#secret = loaded?.secret ?? null;
    this.#plain = loaded?.plain ?? new Map();
    this.#persisted = loaded !== null;
    this.#cookie = loaded?.reissue ? 'set' : initialCookie;
    if (loaded?.reissue) {
      // Verified under an older secret: re-seal every field under the newest key at commit.
      for (const [name, json] of loaded.plain) this.#dirty.set(name, json);
    }
    if (loaded) {
      this.#touchDue = needsTouch(loaded.record, ctx.options, this.#now);
      this.#renewDue = needsRenewal(loaded.record, ctx.options, this.#now);
    }
  }

  // ---- read-only facts -------------------------------------------------------------------

  /** Public handle shown in device lists and used by revoke; null until the session exists. */
  get handle(): string | null {
    return this.#record?.id ?? null;
  }
  get userId(): string | null {
    return this.#record?.userId ?? null;
  }
  /** True only for a completed login (not a pending MFA step, checklist FIX-03). */
  get isAuthenticated(): boolean {
    return this.#record?.userId != null && !this.auth.pending;
  }
  get isNew(): boolean {
    return this.#record !== null && !this.#persisted;
  }
  get isDestroyed(): boolean {
    return this.#destroyed;
  }
  get createdAt(): number | null {
    return this.#record?.createdAt ?? null;
  }
  get lastSeenAt(): number | null {
    if (!this.#record) return null;
    return this.#touchDue || !this.#persisted ? this.#now : this.#record.lastSeenAt;
  }
  get authenticatedAt(): number | null {
    return this.#record?.authenticatedAt ?? null;
  }
  /** When the server will treat the session as idle-expired if no request comes before. */
  get idleExpiresAt(): number | null {
    const seen = this.lastSeenAt;
    return seen === null ? null : seen + this.#ctx.options.idleTimeout;
  }
  get absoluteExpiresAt(): number | null {
    return this.#record?.absoluteExpiresAt ?? null;
  }
  get auth(): AuthInfo {
    const raw = this.#read(INTERNAL.auth) as Partial<AuthInfo> | undefined;
    return { aal: raw?.aal ?? 0, amr: raw?.amr ?? [], pending: raw?.pending ?? false };
  }

  // ---- data ------------------------------------------------------------------------------

  get<K extends keyof D & string>(key: K): D[K] | undefined {
    assertDataKey(key);
    return this.#read(key) as D[K] | undefined;
  }

  has<K extends keyof D & string>(key: K): boolean {
    assertDataKey(key);
    return this.#current(key) !== undefined;
  }

  set<K extends keyof D & string>(key: K, value: D[K]): this {
    assertDataKey(key);
    this.#write(key, encodeValue(value));
    return this;
  }

  delete<K extends keyof D & string>(key: K): this {
    assertDataKey(key);
    if (this.#current(key) !== undefined) this.#write(key, null);
    return this;
  }

  /** Every user key with its value (internal fields excluded). */
  toJSON(): Partial<D> {
    const out: Record<string, unknown> = {};
    const keys = new Set([...this.#plain.keys(), ...this.#dirty.keys()]);
    for (const key of keys) {
      if (isInternal(key)) continue;
      const value = this.#read(key);
      if (value !== undefined) out[key] = value;
    }
    return out as Partial<D>;
  }

  /**
   * Read-modify-write of one key that survives concurrent requests: compare-and-set on the
   * stored field with retries, so 50 parallel `update('n', n => n + 1)` end at 50.
   */
  async update<K extends keyof D & string>(key: K, fn: (current: D[K] | undefined) => D[K]): Promise<D[K]> {
    assertDataKey(key);
    if (!this.#record || !this.#persisted) await this.#ensurePersisted();
    const record = this.#record as StoredSession;
    const { keyring } = this.#ctx.options;
    for (let attempt = 0; attempt < 50; attempt++) {
      // First try against the field as this request loaded it: no extra read when nobody raced us.
      const fresh =
        attempt === 0 && !this.#dirty.has(key)
          ? (this.#record as StoredSession)
          : await this.#ctx.call('get', () => this.#ctx.store.get(record.id));
      if (!fresh) throw new CustosError('SESSION_DESTROYED', 'the session ended while it was being updated');
      const sealedBefore = Object.hasOwn(fresh.fields, key) ? (fresh.fields[key] as string) : null;
      const before = sealedBefore === null ? undefined : open(keyring, sealedBefore, fieldAad(record.id, key));
      const next = fn(before === undefined || before === null ? undefined : (JSON.parse(before) as D[K]));
      const json = encodeValue(next);
      const sealed = seal(keyring, json, fieldAad(record.id, key));
      const result = await this.#ctx.call('patch', () =>
        this.#ctx.store.patch(record.id, { set: { [key]: sealed }, expect: { [key]: sealedBefore } }),
      );
      if (result === 'ok') {
        this.#plain.set(key, json);
        this.#dirty.delete(key);
        this.#record = {
          ...(this.#record as StoredSession),
          fields: { ...(this.#record as StoredSession).fields, [key]: sealed },
        };
        return next;
      }
      if (result === 'missing')
        throw new CustosError('SESSION_DESTROYED', 'the session ended while it was being updated');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));
    }
    throw new CustosError('STORE_CONFLICT', `update of "${key}" kept conflicting with other requests; try again`);
  }

  // ---- identity changes ------------------------------------------------------------------

  /**
   * Authenticates the session: a brand-new id, the old record deleted, authentication time
   * recorded, absolute deadline restarted (checklist FIX-01, ASVS 5.0 7.2.4).
   */
  async login(userId: string, options: LoginOptions<D> = {}): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > 512) {
      throw new TypeError('login(userId) needs a non-empty string of at most 512 characters');
    }
    await this.#ctx.makeRoomFor(userId);
    const keep = new Set<string>(options.keep ?? []);
    const carried = new Map<string, string>();
    for (const key of keep) {
      const json = this.#currentJson(key);
      if (json !== undefined) carried.set(key, json);
    }
    const auth: AuthInfo = {
      aal: options.aal ?? 1,
      amr: [...(options.amr ?? ['pwd'])],
      pending: options.pending ?? false,
    };
    carried.set(INTERNAL.auth, JSON.stringify(auth));
    await this.#rotate({
      userId,
      authenticatedAt: this.#now,
      absoluteExpiresAt: this.#now + this.#ctx.options.absoluteTimeout,
      fields: carried,
      reason: 'login',
    });
  }

  /** The user proved who they are again: both timers restart and the id rotates (checklist TMO-04, RA-02). */
  async reauthenticate(options: Pick<LoginOptions<D>, 'aal' | 'amr'> = {}): Promise<void> {
    const userId = this.#requireUser();
    const fields = this.#allCurrentJson();
    const prev = this.auth;
    fields.set(
      INTERNAL.auth,
      JSON.stringify({ aal: options.aal ?? prev.aal, amr: [...(options.amr ?? prev.amr)], pending: false }),
    );
    await this.#rotate({
      userId,
      authenticatedAt: this.#now,
      absoluteExpiresAt: this.#now + this.#ctx.options.absoluteTimeout,
      fields,
      reason: 'reauthenticate',
    });
  }

  /** A new id for the same session: data, authentication time and absolute deadline carry over. */
  async regenerate(): Promise<void> {
    return this.#regenerate('regenerate');
  }

  async #regenerate(reason: 'regenerate' | 'renew'): Promise<void> {
    if (!this.#record) return;
    const record = this.#record;
    await this.#rotate({
      userId: record.userId,
      authenticatedAt: record.authenticatedAt,
      absoluteExpiresAt: record.absoluteExpiresAt,
      fields: this.#allCurrentJson(),
      reason,
    });
  }

  /** Ends the session: the record is deleted before the response, the cookie cleared (checklist TRM-01). */
  async destroy(): Promise<void> {
    const record = this.#record;
    if (record && this.#persisted) {
      await this.#ctx.call('destroy', () => this.#ctx.store.destroy(record.id));
      this.#ctx.emit({ type: 'destroyed', handle: record.id, userId: record.userId });
    }
    this.#record = null;
    this.#secret = null;
    this.#persisted = false;
    this.#plain = new Map();
    this.#dirty.clear();
    this.#destroyed = true;
    this.#cookie = 'clear';
  }

  /** Whether the last authentication is at most `maxAge` ms old (default: the `freshAuth` option). */
  isFresh(maxAge: number = this.#ctx.options.freshAuth): boolean {
    const at = this.authenticatedAt;
    return this.isAuthenticated && at !== null && this.#now - at <= maxAge;
  }

  /** Throws `NOT_AUTHENTICATED` (401) or `REAUTH_REQUIRED` (403) unless authentication is fresh. */
  requireFreshAuth(maxAge?: number): void {
    if (!this.isAuthenticated) throw new CustosError('NOT_AUTHENTICATED', 'sign in first');
    if (!this.isFresh(maxAge)) throw new CustosError('REAUTH_REQUIRED', 'confirm your password to continue');
  }

  // ---- compatibility hooks (custos/express-session) --------------------------------------

  /** @internal Sends the current cookie again on this response (express-session's `rolling`). */
  refreshCookie(): void {
    if (this.#record && this.#secret && this.#persisted && this.#cookie === 'none') this.#cookie = 'set';
  }

  /**
   * @internal Re-reads the stored fields, dropping changes not yet committed (express-session's
   * `reload`). Resolves false, with the session ended, when the record is gone or will not open.
   */
  async reload(): Promise<boolean> {
    const record = this.#record;
    if (!record || !this.#persisted) return false;
    const fresh = await this.#ctx.call('get', () => this.#ctx.store.get(record.id));
    if (!fresh || fresh.verifier !== record.verifier) return this.#forget();
    const plain = openFields(this.#ctx.options.keyring, fresh);
    if (!plain) return this.#forget();
    this.#record = fresh;
    this.#plain = plain;
    this.#dirty.clear();
    return true;
  }

  #forget(): false {
    this.#record = null;
    this.#secret = null;
    this.#persisted = false;
    this.#plain = new Map();
    this.#dirty.clear();
    this.#cookie = 'clear';
    return false;
  }

  // ---- internal fields (protection layer) ------------------------------------------------

  /** @internal Reads a `$`-field; used by the protection layer. */
  internalGet(name: string): unknown {
    return this.#read(name);
  }

  /**
   * @internal A request refused by the protection layer (e.g. CSRF) is not activity: it must not
   * slide the idle timer or trigger renewal (checklist TMO-02).
   */
  discardActivity(): void {
    this.#touchDue = false;
    this.#renewDue = false;
  }

  /** @internal Writes a `$`-field; used by the protection layer. */
  internalSet(name: string, value: unknown): void {
    this.#write(name, encodeValue(value));
  }

  // ---- commit ----------------------------------------------------------------------------

  /**
   * @internal Whether `commit()` has anything to do; false for a read-only request inside the
   * touch window, so adapters can end the response without waiting for a promise.
   */
  needsCommit(): boolean {
    if (this.#renewDue && this.#persisted) return true;
    if (!this.#record) return this.#ctx.options.saveUninitialized && !this.#destroyed && this.#client.canIssueCookie;
    return !this.#persisted || this.#dirty.size > 0 || this.#touchDue;
  }

  /**
   * Writes what changed: nothing for a read-only request inside the touch window. Adapters call
   * this before the response is finished, so the client's next request sees the write.
   */
  async commit(): Promise<void> {
    // The same decision adapters use to skip commit(): they can never skip a write made here.
    if (!this.needsCommit()) return;
    if (this.#renewDue && this.#persisted) {
      this.#renewDue = false;
      // Periodic renewal is not a privilege change: keep the CSRF secret so forms in flight still work.
      await this.#regenerate('renew');
    }
    const record = this.#record;
    if (!record) {
      // needsCommit() said saveUninitialized applies: start the session and persist it.
      this.#start();
      return this.commit();
    }
    if (!this.#persisted) return this.#ensurePersisted();
    if (this.#dirty.size === 0 && !this.#touchDue) return;
    const unset: string[] = [];
    const written: Array<[string, string]> = [];
    let internalChanged = false;
    for (const [name, json] of this.#dirty) {
      if (isInternal(name)) internalChanged = true;
      else if (json === null) unset.push(name);
      else written.push([name, json]);
    }
    if (internalChanged) {
      // Internal values are stored together in `$sys`: one change rewrites it from all of them.
      const system = systemFieldPatch(this.#internalAfterCommit(), Object.keys(record.fields));
      written.push(...system.entries);
      unset.push(...system.unset);
    }
    const set = sealFields(this.#ctx.options.keyring, record.id, written);
    // The timestamps go to the store only when they move (a touch): a data-only write leaves
    // lastSeenAt, expiresAt and the key's TTL alone (fewer writes per patch, issue 7).
    const touch = this.#touchDue
      ? { lastSeenAt: this.#now, expiresAt: storeExpiry(this.#now, record.absoluteExpiresAt, this.#ctx.options) }
      : {};
    const patch = { set, unset, ...touch };
    const result = await this.#ctx.call('patch', () => this.#ctx.store.patch(record.id, patch));
    if (result === 'missing') {
      // Revoked or destroyed by another request meanwhile: never resurrect it (DESIGN decision 5).
      this.#ctx.emit({ type: 'revoked', handle: record.id, userId: record.userId, reason: 'ended-during-request' });
      this.#record = null;
      this.#persisted = false;
      this.#cookie = 'clear';
      return;
    }
    for (const [name, json] of this.#dirty) {
      if (json === null) this.#plain.delete(name);
      else this.#plain.set(name, json);
    }
    this.#dirty.clear();
    this.#record = applyPatch(record, patch);
    this.#touchDue = false;
  }

  /**
   * @internal The form token for a visitor without a stored session, issued without creating
   * one: a bot or a visitor who only looks at a form costs the store nothing (checklist FIX-04).
   * Its visitor cookie goes out with `responseHeaders()`.
   */
  preSessionFormToken(): string {
    this.#preSession ??= this.#client.preSessionToken();
    return this.#preSession.token;
  }

  /** `Set-Cookie` values and other headers the response must carry. */
  responseHeaders(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const { cookie, absoluteTimeout, clearSiteData } = this.#ctx.options;
    const attributes = {
      path: cookie.path,
      domain: cookie.domain,
      secure: cookie.secure,
      httpOnly: true,
      sameSite: cookie.sameSite === 'strict' ? ('Strict' as const) : ('Lax' as const),
    };
    const sealed = this.#ctx.sealedCookie;
    // Sealed-cookie mode: every write changes the cookie itself, so it is re-issued.
    const action = sealed && this.#cookie === 'none' && this.#record && sealed.changed() ? 'set' : this.#cookie;
    const value =
      action !== 'set' || !this.#record
        ? null
        : sealed
          ? sealed.value(this.#record.id)
          : this.#secret && serializeToken(this.#ctx.options.keyring, { id: this.#record.id, secret: this.#secret });
    if (action === 'set' && this.#record && value) {
      // Checklist CK-06: a persistent cookie never outlives the server-side absolute deadline.
      const maxAge = cookie.persistent
        ? Math.min(absoluteTimeout, this.#record.absoluteExpiresAt - this.#now) / 1000
        : undefined;
      out.push(['set-cookie', serializeCookie(cookie.name, value, { ...attributes, maxAge })]);
    } else if (action === 'clear') {
      out.push(['set-cookie', serializeClearingCookie(cookie.name, attributes)]);
      if (this.#destroyed && clearSiteData) out.push(['clear-site-data', clearSiteData]);
    }
    if (this.#preSession?.setCookie) out.push(['set-cookie', this.#preSession.setCookie]);
    // Checklist CK-08: nothing that sets the cookie or shows signed-in content may be cached.
    if (out.length > 0 || this.isAuthenticated) out.push(['cache-control', 'no-store']);
    return out;
  }

  // ---- private ---------------------------------------------------------------------------

  /** Every internal (`$`) value as it stands once the pending changes are written. */
  #internalAfterCommit(): Map<string, string> {
    const internal = new Map<string, string>();
    for (const [name, json] of this.#plain) if (isInternal(name)) internal.set(name, json);
    for (const [name, json] of this.#dirty) {
      if (!isInternal(name)) continue;
      if (json === null) internal.delete(name);
      else internal.set(name, json);
    }
    return internal;
  }

  #current(key: string): string | undefined {
    return this.#currentJson(key);
  }

  #currentJson(key: string): string | undefined {
    if (this.#dirty.has(key)) return this.#dirty.get(key) ?? undefined;
    return this.#plain.get(key);
  }

  #read(key: string): unknown {
    const json = this.#currentJson(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  #write(key: string, json: string | null): void {
    if (!this.#record) this.#start();
    this.#dirty.set(key, json);
  }

  #allCurrentJson(): Map<string, string> {
    const out = new Map<string, string>();
    for (const key of new Set([...this.#plain.keys(), ...this.#dirty.keys()])) {
      const json = this.#currentJson(key);
      if (json !== undefined) out.set(key, json);
    }
    return out;
  }

  #requireUser(): string {
    const userId = this.#record?.userId;
    if (!userId) throw new CustosError('NOT_AUTHENTICATED', 'sign in first');
    return userId;
  }

  /** Mints an anonymous session in memory; it reaches the store at commit. */
  #start(): void {
    this.#assertCanIssue();
    const token = mintToken();
    const absoluteExpiresAt = this.#now + this.#ctx.options.absoluteTimeout;
    this.#record = newRecord(
      token,
      { userId: null, authenticatedAt: null, absoluteExpiresAt },
      this.#now,
      this.#ctx.options,
    );
    this.#secret = token.secret;
    this.#persisted = false;
    this.#destroyed = false;
    this.#cookie = 'set';
    this.#plain = new Map();
    this.#dirty.set(INTERNAL.csrf, JSON.stringify(randomToken(32)));
    this.#setClientFields(this.#dirty);
  }

  #setClientFields(target: Map<string, string | null>): void {
    const json = clientFieldJson(this.#client);
    if (json !== undefined) target.set(INTERNAL.client, json);
  }

  #assertCanIssue(): void {
    if (!this.#client.canIssueCookie) {
      this.#ctx.emit({ type: 'https-required', ip: this.#client.ip, reason: 'cookie-over-plain-http' });
      throw new CustosError('HTTPS_REQUIRED', 'sessions need HTTPS: a session cookie is never issued over plain HTTP');
    }
  }

  async #ensurePersisted(): Promise<void> {
    if (!this.#record) this.#start();
    if (this.#persisted) return;
    const record = this.#record as StoredSession;
    const plain = new Map([...this.#dirty].filter((entry): entry is [string, string] => entry[1] !== null));
    const full = { ...record, fields: sealFields(this.#ctx.options.keyring, record.id, plain) };
    const created = await this.#ctx.call('create', () => this.#ctx.store.create(full, { client: this.#client.ip }));
    if (!created) throw new CustosError('STORE_CONFLICT', 'a new session id collided with an existing one');
    this.#record = full;
    this.#plain = plain;
    this.#dirty.clear();
    this.#persisted = true;
    this.#ctx.emit({ type: 'created', handle: record.id, userId: record.userId, ip: this.#client.ip });
  }

  async #rotate(next: {
    userId: string | null;
    authenticatedAt: number | null;
    absoluteExpiresAt: number;
    fields: Map<string, string>;
    reason: string;
  }): Promise<void> {
    this.#assertCanIssue();
    const old = this.#persisted ? this.#record : null;
    const token = mintToken();
    const now = this.#now;
    const plain = new Map(next.fields);
    // Checklist CSRF-03: tokens issued before an id change stop working.
    if (next.reason !== 'renew' || !plain.has(INTERNAL.csrf)) plain.set(INTERNAL.csrf, JSON.stringify(randomToken(32)));
    const clientFields = new Map<string, string | null>();
    this.#setClientFields(clientFields);
    for (const [name, json] of clientFields) if (json !== null) plain.set(name, json);
    const record = newRecord(
      token,
      next,
      now,
      this.#ctx.options,
      sealFields(this.#ctx.options.keyring, token.id, plain),
    );
    // Create first: if the store is down, the old session stays and no cookie is issued.
    const created = await this.#ctx.call('create', () => this.#ctx.store.create(record, { client: this.#client.ip }));
    if (!created) throw new CustosError('STORE_CONFLICT', 'a new session id collided with an existing one');
    if (old) await this.#ctx.call('destroy', () => this.#ctx.store.destroy(old.id));
    this.#record = record;
    this.#secret = token.secret;
    this.#plain = plain;
    this.#dirty.clear();
    this.#persisted = true;
    this.#destroyed = false;
    this.#touchDue = false;
    this.#cookie = 'set';
    this.#ctx.emit({
      type: old ? 'rotated' : 'created',
      handle: record.id,
      userId: record.userId,
      ip: this.#client.ip,
      reason: next.reason,
    });
  }
}
