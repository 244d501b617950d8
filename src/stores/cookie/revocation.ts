import { sha256 } from '../../crypto/hash.js';
import type { SessionStore, StoredSession } from '../contract.js';

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

/**
 * Revocation for sealed-cookie sessions (checklist STO-03, ASVS 5.0 7.4.1 "disallowing tokens
 * produced before a per-user date and time"), kept as small records in any custos store:
 * `nb-<hash(user)>` holds a per-user "not before" time, `nb-all` a global one, and `dl-<handle>`
 * marks one ended session id (logout, rotation). Each expires once every cookie it could refuse
 * has passed its absolute deadline anyway, so `purgeExpired` removes them.
 */
export class CookieRevocation {
  readonly #store: SessionStore;
  readonly #lifetime: () => number;

  constructor(store: SessionStore, lifetime: () => number) {
    this.#store = store;
    this.#lifetime = lifetime;
  }

  get store(): SessionStore {
    return this.#store;
  }

  static userKey(userId: string): string {
    return `nb-${sha256(userId)}`;
  }

  /** Ends one session id until `until`. */
  endSession(handle: string, now: number, until: number): Promise<void> {
    return this.#write(`dl-${handle}`, { at: String(now) }, now, until);
  }

  /** Every cookie of `userId` issued at or before `now` is refused, except the listed ids. */
  notBefore(userId: string, now: number, except: readonly string[] = []): Promise<void> {
    return this.#write(CookieRevocation.userKey(userId), { at: String(now), except: JSON.stringify(except) }, now);
  }

  /** Every cookie issued at or before `now`, of every user. */
  notBeforeAll(now: number): Promise<void> {
    return this.#write('nb-all', { at: String(now) }, now);
  }

  /** Whether a cookie session (id, user, issue time) has been ended. One round trip per key, in parallel. */
  async isRevoked(record: Pick<StoredSession, 'id' | 'userId' | 'createdAt'>): Promise<boolean> {
    const [ended, user, all] = await Promise.all([
      this.#store.get(`dl-${record.id}`),
      record.userId === null ? null : this.#store.get(CookieRevocation.userKey(record.userId)),
      this.#store.get('nb-all'),
    ]);
    if (ended) return true;
    if (all && record.createdAt <= Number(all.fields.at)) return true;
    if (user && record.createdAt <= Number(user.fields.at)) {
      const except = JSON.parse(user.fields.except ?? '[]') as string[];
      return !except.includes(record.id);
    }
    return false;
  }

  async #write(id: string, fields: Record<string, string>, now: number, until = now + this.#lifetime()): Promise<void> {
    const patch = { set: fields, lastSeenAt: now, expiresAt: until };
    if ((await this.#store.patch(id, patch)) !== 'missing') return;
    const record: StoredSession = {
      id,
      verifier: 'revocation',
      userId: null,
      createdAt: now,
      lastSeenAt: now,
      authenticatedAt: null,
      absoluteExpiresAt: until,
      expiresAt: until,
      fields,
    };
    if (!(await this.#store.create(record))) await this.#store.patch(id, patch);
  }
}
