import type { PatchResult, SessionStore, StoredSession } from '../contract.js';
import { CookieRevocation } from './revocation.js';

export interface CookieStoreOptions {
  /**
   * A server-side store (memory, sqlite, redis, postgres) for revocation: per-user "not before"
   * times and ended ids. Without it, logout only clears the browser's cookie and a copy of the
   * cookie stays valid until its idle or absolute deadline (a `config-warning` says so).
   */
  revocation?: SessionStore;
}

/** Settings the cookie store takes from the manager when it is attached. */
export interface CookieStoreBinding {
  readonly clock: () => number;
  readonly absoluteTimeout: number;
}

/**
 * Sealed-cookie ("stateless") mode: the whole session is AES-256-GCM-sealed into the session
 * cookie instead of a server-side record (checklist STO-03). The methods of this object are the
 * administrative side (revoke a user, revoke everyone, purge revocation records); per-request
 * reads and writes happen in the cookie itself.
 *
 * @example
 * const sessions = createSessions({ secrets, store: cookieStore({ revocation: redisStore({ client }) }) });
 */
export class CookieStore implements SessionStore {
  readonly kind = 'cookie';
  #binding: CookieStoreBinding = { clock: Date.now, absoluteTimeout: 12 * 3_600_000 };
  readonly revocation: CookieRevocation | null;

  constructor(options: CookieStoreOptions = {}) {
    this.revocation = options.revocation
      ? new CookieRevocation(
          options.revocation,
          () => this.#binding.absoluteTimeout,
          () => this.#binding.clock(),
        )
      : null;
  }

  /** @internal Called by the manager with its clock and absolute timeout. */
  bind(binding: CookieStoreBinding): void {
    this.#binding = binding;
  }

  get clock(): () => number {
    return this.#binding.clock;
  }

  async create(): Promise<boolean> {
    return false;
  }
  /** Cookie sessions are not listed server-side: a handle alone finds nothing. */
  async get(): Promise<StoredSession | null> {
    return null;
  }
  async patch(): Promise<PatchResult> {
    return 'missing';
  }
  /** Ends one session id (needs `revocation`). */
  async destroy(id: string): Promise<void> {
    const now = this.#binding.clock();
    await this.revocation?.endSession(id, now, now + this.#binding.absoluteTimeout);
  }
  async listByUser(): Promise<StoredSession[]> {
    return [];
  }
  /** Sets the user's "not before" time (needs `revocation`); the count of ended sessions is unknown, so 0. */
  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    await this.revocation?.notBefore(userId, this.#binding.clock(), except);
    return 0;
  }
  /** Sets the global "not before" time (needs `revocation`). */
  async revokeAll(): Promise<void> {
    await this.revocation?.notBeforeAll(this.#binding.clock());
  }
  async purgeExpired(now: number, limit?: number): Promise<number> {
    return this.revocation ? this.revocation.store.purgeExpired(now, limit) : 0;
  }
  async *exportRecords(): AsyncIterable<StoredSession> {}
  async importRecords(): Promise<number> {
    return 0;
  }
  async ping(): Promise<void> {
    if (this.revocation) await this.revocation.store.get('health-check');
  }
  async close(): Promise<void> {
    await this.revocation?.store.close();
  }
}

/**
 * Creates a {@link CookieStore}: sealed-cookie mode, the whole session sealed into its cookie,
 * with an optional server-side store for revocation.
 *
 * @example
 * ```ts
 * import { createSessions } from 'custos';
 * import { cookieStore } from 'custos/stores/cookie';
 * import { redisStore } from 'custos/stores/redis';
 *
 * const store = cookieStore({ revocation: redisStore({ client }) }); // logout is enforced server-side
 * const manager = createSessions({ secrets: [process.env.SESSION_SECRET!], store });
 * ```
 */
export function cookieStore(options: CookieStoreOptions = {}): CookieStore {
  return new CookieStore(options);
}

/**
 * Whether `store` is a sealed-cookie store: its sessions live in the cookies, not in the store.
 *
 * @example
 * ```ts
 * import { isCookieStore } from 'custos/stores/cookie';
 *
 * if (isCookieStore(manager.store)) console.log('sealed-cookie mode: there are no session records to back up');
 * ```
 */
export function isCookieStore(store: SessionStore): store is CookieStore {
  return store instanceof CookieStore;
}
