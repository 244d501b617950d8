import { sha256 } from '../../crypto/hash.js';
import type { SessionStore, StoredSession } from '../contract.js';

/** The `verifier` of every revocation record: no session token hashes to it, and tools skip it. */
export const REVOCATION_VERIFIER = 'revocation';
/** The global "not before" record; it always exists once an app has used the store (see below). */
const ALL = 'nb-all';
/**
 * How long the CLI keeps a record when no app has said its absolute timeout: browsers cap a
 * cookie's lifetime at 400 days (RFC 6265bis, "Max-Age" and "Expires" attributes).
 */
const FALLBACK_LIFETIME_MS = 400 * 86_400_000;

/**
 * Whether a revocation store keeps its records in this process only: the memory store, or SQLite
 * on `:memory:`. Records there vanish on restart and are not seen by another instance, so a
 * logged-out sealed cookie authenticates again (OWASP Session Management Cheat Sheet, "Session
 * Expiration": termination must be enforced on the server side).
 */
export function isPerProcessStore(store: SessionStore): boolean {
  if (store.kind === 'memory') return true;
  const database = (store as { database?: { memory?: unknown } }).database;
  return store.kind === 'sqlite' && database?.memory === true;
}

/** Whether a stored record is a revocation record rather than a session (hidden from listings). */
export function isRevocationRecord(record: Pick<StoredSession, 'verifier'>): boolean {
  return record.verifier === REVOCATION_VERIFIER;
}

/**
 * Revocation for sealed-cookie sessions (checklist STO-03, ASVS 5.0 7.4.1 "disallowing tokens
 * produced before a per-user date and time"), kept as small records in any custos store:
 * `nb-<hash(user)>` holds a per-user "not before" time, `nb-all` a global one, and `dl-<handle>`
 * marks one ended session id (logout, rotation). Each expires once every cookie it could refuse
 * has passed its absolute deadline anyway, so `purgeExpired` removes them.
 *
 * Losing records must never un-revoke a cookie. A store's own `revokeAll()` (an epoch bump), a
 * flushed Redis or an older backup restored make records vanish; so `nb-all` is kept alive for as
 * long as the app runs, and when it is missing every cookie issued before that moment is refused
 * (fail closed, OWASP ASVS 5.0 V7.4: revoked sessions must stay revoked). It is created before a
 * process issues its first cookie, so a fresh store signs nobody out.
 */
export class CookieRevocation {
  readonly #store: SessionStore;
  readonly #lifetime: () => number;
  readonly #clock: () => number;
  #ready: Promise<void> | null = null;

  constructor(store: SessionStore, lifetime: () => number, clock: () => number = Date.now) {
    this.#store = store;
    this.#lifetime = lifetime;
    this.#clock = clock;
  }

  /**
   * The revocation records an app keeps in `store`, or null when it holds none: how the CLI tells
   * a revocation store from a session store. Records it writes live as long as the app's own.
   */
  static async find(store: SessionStore, clock: () => number = Date.now): Promise<CookieRevocation | null> {
    const all = await store.get(ALL);
    if (!all || !isRevocationRecord(all)) return null;
    return CookieRevocation.open(store, all, clock);
  }

  /** Revocation records in `store`, whether or not an app has written any yet. */
  static async open(
    store: SessionStore,
    all: StoredSession | null | undefined = undefined,
    clock: () => number = Date.now,
  ): Promise<CookieRevocation> {
    const global = all === undefined ? await store.get(ALL) : all;
    const lifetime = Number(global?.fields.lifetime) || FALLBACK_LIFETIME_MS;
    return new CookieRevocation(store, () => lifetime, clock);
  }

  get store(): SessionStore {
    return this.#store;
  }

  static userKey(userId: string): string {
    return `nb-${sha256(userId)}`;
  }

  /**
   * Once per process, before it issues its first cookie (created at `issuedAt`): makes sure
   * `nb-all` exists. When it must be created, its "not before" is just before that cookie.
   */
  ready(issuedAt: number = this.#clock()): Promise<void> {
    if (!this.#ready) {
      this.#ready = this.#global(Math.min(issuedAt, this.#clock()) - 1).then(
        () => undefined,
        (error: unknown) => {
          this.#ready = null; // a store outage: try again on the next cookie
          throw error;
        },
      );
    }
    return this.#ready;
  }

  /** Ends one session id until `until` (default: one lifetime from now). */
  endSession(handle: string, now: number, until: number = now + this.#lifetime()): Promise<void> {
    return this.#write(`dl-${handle}`, { at: String(now) }, now, until);
  }

  /** Every cookie of `userId` issued at or before `now` is refused, except the listed ids. */
  notBefore(userId: string, now: number, except: readonly string[] = []): Promise<void> {
    return this.#write(CookieRevocation.userKey(userId), { at: String(now), except: JSON.stringify(except) }, now);
  }

  /** Every cookie issued at or before `now`, of every user. */
  notBeforeAll(now: number): Promise<void> {
    return this.#write(ALL, this.#globalFields(now), now, now + 2 * this.#lifetime());
  }

  /** Whether a cookie session (id, user, issue time) has been ended. One round trip per key, in parallel. */
  async isRevoked(record: Pick<StoredSession, 'id' | 'userId' | 'createdAt'>): Promise<boolean> {
    const [ended, user, found] = await Promise.all([
      this.#store.get(`dl-${record.id}`),
      record.userId === null ? null : this.#store.get(CookieRevocation.userKey(record.userId)),
      this.#store.get(ALL),
    ]);
    const now = this.#clock();
    const all = found ?? (await this.#global(now));
    if (found) await this.#keepAlive(found, now);
    if (ended) return true;
    if (record.createdAt <= Number(all.fields.at)) return true;
    if (user && record.createdAt <= Number(user.fields.at)) {
      const except = JSON.parse(user.fields.except ?? '[]') as string[];
      return !except.includes(record.id);
    }
    return false;
  }

  #globalFields(at: number): Record<string, string> {
    return { at: String(at), lifetime: String(this.#lifetime()) };
  }

  /**
   * `nb-all`, created when missing with "not before" = `at`: whatever records were there before
   * are unknown, so every earlier cookie is refused. Another process may create it first.
   */
  async #global(at: number): Promise<StoredSession> {
    const existing = await this.#store.get(ALL);
    if (existing) return existing;
    const now = this.#clock();
    const record = revocationRecord(ALL, this.#globalFields(at), now, now + 2 * this.#lifetime());
    if (await this.#store.create(record)) return record;
    return (await this.#store.get(ALL)) ?? record;
  }

  /**
   * `nb-all` outlives every cookie: its expiry is pushed out by two lifetimes once less than one
   * is left. The compare-and-set keeps a concurrent "revoke everyone" (a newer `at`).
   */
  async #keepAlive(all: StoredSession, now: number): Promise<void> {
    const lifetime = this.#lifetime();
    if (all.expiresAt - now >= lifetime) return;
    await this.#store.patch(ALL, {
      set: { lifetime: String(lifetime) },
      lastSeenAt: now,
      expiresAt: now + 2 * lifetime,
      expect: { at: all.fields.at ?? null },
    });
  }

  async #write(id: string, fields: Record<string, string>, now: number, until = now + this.#lifetime()): Promise<void> {
    const patch = { set: fields, lastSeenAt: now, expiresAt: until };
    if ((await this.#store.patch(id, patch)) !== 'missing') return;
    if (!(await this.#store.create(revocationRecord(id, fields, now, until)))) await this.#store.patch(id, patch);
  }
}

function revocationRecord(id: string, fields: Record<string, string>, now: number, until: number): StoredSession {
  return {
    id,
    verifier: REVOCATION_VERIFIER,
    userId: null,
    createdAt: now,
    lastSeenAt: now,
    authenticatedAt: null,
    absoluteExpiresAt: until,
    expiresAt: until,
    fields,
  };
}
