/**
 * The store contract. Every store passes the same conformance suite (`custos/testing`).
 *
 * Stores never see a token, a secret or plaintext session data: records are keyed by the public
 * handle, carry only a SHA-256 verifier of the secret, and every data field arrives already
 * sealed (AES-256-GCM) by the core. Stores also never decide whether a session is valid: the core
 * re-checks idle and absolute expiry on every read (checklist TMO-06). `expiresAt` is a cleanup hint.
 *
 * | method            | status      | what it must do                                                    |
 * |-------------------|-------------|--------------------------------------------------------------------|
 * | `create`          | Required    | insert a new record; `false` if the id already exists              |
 * | `get`             | Required    | the record, or `null` when absent, destroyed, or revoked by epoch  |
 * | `patch`           | Required    | atomic set/unset of fields + meta, optional per-field CAS          |
 * | `destroy`         | Required    | delete; an in-flight `patch` afterwards must not resurrect it      |
 * | `listByUser`      | Required    | every live record of one user (per-user index)                     |
 * | `listByUserPage`  | Recommended | one page of them, its cost independent of the user's total         |
 * | `destroyByUser`   | Required    | delete a user's records, keeping the ids in `except`               |
 * | `revokeAll`       | Required    | bump a global epoch: every existing record reads as absent, no scan|
 * | `purgeExpired`    | Required    | delete records with `expiresAt <= now`, at most `limit` per call   |
 * | `exportRecords`   | Required    | every live record, still sealed, for backups and migration         |
 * | `importRecords`   | Required    | write exported records (replacing same ids), return how many       |
 * | `ping`            | Recommended | resolve when the backend answers (health checks)                   |
 * | `count`           | Optional    | number of live records (stats)                                     |
 * | `close`           | Required    | release connections/timers the store itself opened                 |
 * | `listen`          | Optional    | report what the store did on its own (e.g. an eviction)            |
 */
export interface StoredSession {
  /** Public handle (record key). Not a secret: it authenticates nothing by itself. */
  readonly id: string;
  /** base64url SHA-256 of the cookie's secret part. */
  readonly verifier: string;
  /** The authenticated user, or null for an anonymous session. Immutable: login makes a new record. */
  readonly userId: string | null;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** When the user last proved who they are (login or re-authentication); null when anonymous. */
  readonly authenticatedAt: number | null;
  /** Hard deadline; renewal never moves it, only re-authentication does (checklist TMO-04). */
  readonly absoluteExpiresAt: number;
  /** min(idle deadline, absolute deadline) at the last write: for TTLs and purging only. */
  readonly expiresAt: number;
  /** Field name → sealed value. Internal fields start with `$`. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface SessionPatch {
  /** Fields to write (sealed values). */
  readonly set?: Readonly<Record<string, string>>;
  /** Fields to remove. */
  readonly unset?: readonly string[];
  readonly lastSeenAt?: number;
  readonly expiresAt?: number;
  /**
   * Compare-and-set: each named field must currently hold exactly this sealed value (`null` =
   * absent) or nothing is written and the result is `'conflict'`. Sealed values carry a random
   * nonce, so equality of the sealed string is an exact version check of that field.
   */
  readonly expect?: Readonly<Record<string, string | null>>;
}

export type PatchResult = 'ok' | 'missing' | 'conflict';

/**
 * One page of a user's records. `next` is `<sort key>:<id>` of the last record of the page
 * (the store's own sort key: sign-in time, or the expiry hint of its index), or null at the end.
 * A page may hold fewer than `limit` records and still have a `next` (stale index entries).
 */
export interface UserPage {
  readonly records: StoredSession[];
  readonly next: string | null;
}

/** What the core knows about the request a record is created for; a store may ignore it. */
export interface CreateContext {
  /** The client address as the adapter saw it (trusted proxies only). Kept in process memory only. */
  readonly client?: string;
}

/**
 * Something a store did on its own that ends a session: the manager forwards it to `onEvent`,
 * so a bounded store never signs anyone out silently.
 */
export interface StoreEvent {
  readonly type: 'evicted';
  readonly handle: string;
  readonly userId: string | null;
  /** Which budget was full, e.g. `'anonymous-budget'`. */
  readonly reason: string;
}

export interface SessionStore {
  /** Short name for events and errors, e.g. `'sqlite'`. */
  readonly kind: string;
  create(record: StoredSession, context?: CreateContext): Promise<boolean>;
  get(id: string): Promise<StoredSession | null>;
  patch(id: string, patch: SessionPatch): Promise<PatchResult>;
  destroy(id: string): Promise<void>;
  listByUser(userId: string): Promise<StoredSession[]>;
  /** Records after the cursor `after` (a `next` this store returned; checked by the core). */
  listByUserPage?(userId: string, page: { readonly limit: number; readonly after: string | null }): Promise<UserPage>;
  /** Returns how many records were removed. */
  destroyByUser(userId: string, except?: readonly string[]): Promise<number>;
  revokeAll(): Promise<void>;
  /** Returns how many records were removed in this batch (0 = nothing left to purge). */
  purgeExpired(now: number, limit?: number): Promise<number>;
  exportRecords(): AsyncIterable<StoredSession>;
  importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number>;
  ping?(): Promise<void>;
  count?(): Promise<number>;
  /** Adds a listener for `StoreEvent`s; the manager subscribes once at construction. */
  listen?(listener: (event: StoreEvent) => void): void;
  close(): Promise<void>;
}

/**
 * Checks the shape of a record coming from an untrusted source (an import file, another store).
 *
 * @example
 * ```ts
 * import { isStoredSession } from 'custos';
 *
 * const record: unknown = JSON.parse(line);
 * if (!isStoredSession(record)) throw new Error('not a session record');
 * ```
 */
export function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (typeof r.id !== 'string' || r.id.length === 0 || r.id.length > 128) return false;
  if (typeof r.verifier !== 'string' || r.verifier.length === 0 || r.verifier.length > 128) return false;
  if (!(r.userId === null || (typeof r.userId === 'string' && r.userId.length <= 512))) return false;
  if (!isTime(r.createdAt) || !isTime(r.lastSeenAt) || !isTime(r.absoluteExpiresAt) || !isTime(r.expiresAt))
    return false;
  if (!(r.authenticatedAt === null || isTime(r.authenticatedAt))) return false;
  if (typeof r.fields !== 'object' || r.fields === null || Array.isArray(r.fields)) return false;
  return Object.values(r.fields as object).every((v) => typeof v === 'string');
}
