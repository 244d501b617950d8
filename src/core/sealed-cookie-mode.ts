import { CustosError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { StoredSession } from '../stores/contract.js';
import { openRecord, sealRecord } from '../stores/cookie/codec.js';
import type { CookieStore } from '../stores/cookie/index.js';
import { RequestCookieStore } from '../stores/cookie/request-store.js';
import { isPerProcessStore } from '../stores/cookie/revocation.js';
import type { EventInput } from '../vocabulary/events.js';
import { warnOnce } from '../vocabulary/warn-once.js';
import type { ManagerContext } from './manager-context.js';
import { isAbsoluteExpired, isIdleExpired } from './policy.js';
import { openFields } from './record.js';

export type SealedLoad =
  | {
      readonly ok: true;
      readonly record: StoredSession;
      readonly plain: Map<string, string>;
      readonly reissue: boolean;
    }
  | { readonly ok: false; readonly event: EventInput };

/**
 * The manager's branch for sealed-cookie sessions: each request gets its own one-record store
 * (so `Session` works unchanged), and the cookie value is the sealed record.
 */
export class SealedCookieMode {
  readonly #store: CookieStore;
  readonly #options: ResolvedOptions;

  constructor(store: CookieStore, options: ResolvedOptions, emit: (event: EventInput) => void) {
    if (options.maxSessionsPerUser !== Number.POSITIVE_INFINITY) {
      throw new CustosError(
        'INVALID_OPTION',
        'maxSessionsPerUser needs a server-side store that can list sessions; remove it or use sqlite/redis/postgres.',
      );
    }
    store.bind({ clock: options.clock, absoluteTimeout: options.absoluteTimeout });
    this.#store = store;
    this.#options = options;
    if (!store.revocation) {
      emit({ type: 'config-warning', reason: 'cookie-store-without-revocation' });
      warnOnce(
        'cookie-store-without-revocation',
        'cookieStore() has no revocation store: logout only clears the browser cookie, and a copy stays valid until its idle or absolute deadline. Pass cookieStore({ revocation: sqliteStore({ path }) }) (or a redis / postgres store).',
      );
    } else if (isPerProcessStore(store.revocation.store)) {
      emit({ type: 'config-warning', reason: 'cookie-revocation-per-process' });
      warnOnce(
        'cookie-revocation-per-process',
        'cookieStore({ revocation }) keeps its revocation records in this process only: after a restart, or on another instance, a logged-out sealed cookie authenticates again. Use a durable, shared revocation store: sqliteStore({ path }) on a file, redisStore or postgresStore.',
      );
    }
  }

  /** A context whose store is this request's cookie. */
  requestContext(base: ManagerContext): { ctx: ManagerContext; store: RequestCookieStore } {
    const { keyring, cookie, clock } = this.#options;
    const revocation = this.#store.revocation;
    const store = new RequestCookieStore(
      (record) => sealRecord(keyring, cookie.name, record),
      async (record) => {
        // Checklist STO-03 / FIX-01: a logged-out or rotated cookie must not work when replayed.
        if (revocation)
          await base.call('destroy', () => revocation.endSession(record.id, clock(), record.absoluteExpiresAt));
      },
      async (record) => {
        if (revocation) await base.call('create', () => revocation.ready(record.createdAt));
      },
    );
    return { ctx: { ...base, store, sealedCookie: store }, store };
  }

  /** Opens, checks expiry and revocation, and opens every field; never throws on bad input. */
  async load(value: string, ctx: ManagerContext, ip: string | undefined): Promise<SealedLoad> {
    const { keyring, cookie } = this.#options;
    const opened = openRecord(keyring, cookie.name, value);
    if (!opened) return { ok: false, event: { type: 'tampered', ip, reason: 'bad-seal' } };
    const { record } = opened;
    const now = this.#options.clock();
    const about = { handle: record.id, userId: record.userId, ip };
    if (isAbsoluteExpired(record, now)) return { ok: false, event: { type: 'expired-absolute', ...about } };
    if (isIdleExpired(record, this.#options, now)) return { ok: false, event: { type: 'expired-idle', ...about } };
    const revocation = this.#store.revocation;
    if (revocation && (await ctx.call('get', () => revocation.isRevoked(record)))) {
      return { ok: false, event: { type: 'revoked', reason: 'cookie-revoked', ...about } };
    }
    const plain = openFields(keyring, record);
    if (!plain) return { ok: false, event: { type: 'tampered', reason: 'bad-seal', ...about } };
    (ctx.store as RequestCookieStore).adopt(record);
    return { ok: true, record, plain, reissue: opened.oldKey };
  }
}
