import { CustosError } from '../../errors.js';
import {
  isStoredSession,
  type PatchResult,
  type SessionPatch,
  type SessionStore,
  type StoredSession,
} from '../contract.js';
import { applyPatch, patchConflicts } from '../patch.js';
import { callbackAll, callbackDestroy, callbackGet, callbackSet, type ExpressSessionStore } from './callback-store.js';
import { KeyedLock } from './keyed-lock.js';

export interface ForeignStoreOptions {
  /**
   * Extra lifetime given to the foreign store's own expiry (`cookie.expires`, which connect-redis
   * and connect-pg-simple turn into a TTL) past the record's `expiresAt`, so that the record is
   * still there for the core's expiry check and `purgeExpired`. @default 60_000 ms
   */
  expiryGrace?: number;
}

/** Keys custos keeps next to the records; record ids are base64url and can never start with this. */
const META = 'custos:';

const EPOCH_KEY = `${META}epoch`;
const userKey = (userId: string) => `${META}user:${userId}`;
/** The epoch and user indexes must outlive every record they govern. */
const META_LIFETIME = 10 * 365 * 24 * 3_600_000;

/** A patch waiting for the next read-modify-write of its session (see `patch`). */ interface QueuedPatch {
  readonly patch: SessionPatch;
  readonly resolve: (result: PatchResult) => void;
  readonly reject: (error: unknown) => void;
}

/** What custos writes as the "session" object of the foreign store. */
interface Envelope {
  /** Only read by the foreign store, for its TTL. */
  cookie: { originalMaxAge: number; expires: string; httpOnly: true; path: '/' };
  custos: { v: 1; epoch?: number; record?: StoredSession; ids?: string[] };
}

function envelope(expiresAt: number, custos: Envelope['custos']): Envelope {
  const now = Date.now();
  return {
    cookie: { originalMaxAge: expiresAt - now, expires: new Date(expiresAt).toISOString(), httpOnly: true, path: '/' },
    custos,
  };
}

function custosPart(raw: unknown): Envelope['custos'] | null {
  const part = (raw as { custos?: unknown } | null)?.custos;
  return typeof part === 'object' && part !== null && (part as { v?: unknown }).v === 1
    ? (part as Envelope['custos'])
    : null;
}

/**
 * custos's `SessionStore` contract on top of an express-session store (connect-redis,
 * connect-pg-simple, memorystore, ...). Each custos record (still sealed) is saved as the
 * "session" object the store persists, under the record's public handle.
 *
 * What is atomic: nothing across processes. `get`/`set` give no compare-and-set, so `patch`,
 * `create` and the per-user index are read-modify-write under a lock held in this process only.
 * One process: patches never overwrite each other and `destroy` beats a later `patch`. Several
 * processes sharing the store: two patches of one session at the same instant can lose one, and a
 * patch racing a destroy can bring the record back. Use custos's own store for the same backend
 * (`redisStore`, `postgresStore`) to get those guarantees across processes.
 *
 * `exportRecords`, `count` and `purgeExpired` need the store's optional `all()`; without it
 * export throws and purge leaves expiry to the store's own TTL.
 *
 * @example
 * import RedisStore from 'connect-redis';
 * const store = fromExpressSessionStore(new RedisStore({ client: redis, prefix: 'sess:' }));
 */
export function fromExpressSessionStore(store: ExpressSessionStore, options: ForeignStoreOptions = {}): SessionStore {
  return new ForeignSessionStore(store, options.expiryGrace ?? 60_000);
}

class ForeignSessionStore implements SessionStore {
  readonly kind = 'express-session-store';
  readonly #store: ExpressSessionStore;
  readonly #grace: number;
  readonly #lock = new KeyedLock();
  /** Per session id: the patches waiting for the next read-modify-write of it. */
  readonly #openBatches = new Map<string, QueuedPatch[]>();
  count?: () => Promise<number>;

  constructor(store: ExpressSessionStore, grace: number) {
    this.#store = store;
    this.#grace = grace;
    if (typeof store.all === 'function') this.count = () => this.#count();
  }

  async create(record: StoredSession): Promise<boolean> {
    if (record.id.startsWith(META)) return false;
    const created = await this.#lock.run(record.id, async () => {
      const [epoch, existing] = await Promise.all([this.#epoch(), this.#live(record.id)]);
      if (existing) return false;
      await this.#write(record, epoch);
      return true;
    });
    if (created && record.userId !== null) await this.#index(record.userId, (ids) => ids.add(record.id), record);
    return created;
  }

  async get(id: string): Promise<StoredSession | null> {
    if (id.startsWith(META)) return null;
    return (await this.#live(id))?.record ?? null;
  }

  /**
   * Patches of one session queue behind its lock; those that queued while an earlier one held it
   * share the next read-modify-write (group commit): one `get`, each patch applied in arrival
   * order with its own compare-and-set verdict, one `set`. The outcome is that of running them
   * one after another, but a burst of parallel requests of one user (a page and its XHRs) waits
   * for at most two round trips instead of one per request, which otherwise counted against
   * every later request's store deadline.
   */
  patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    if (id.startsWith(META)) return Promise.resolve('missing');
    return new Promise<PatchResult>((resolve, reject) => {
      const entry: QueuedPatch = { patch, resolve, reject };
      const open = this.#openBatches.get(id);
      if (open) {
        open.push(entry);
        return;
      }
      const batch = [entry];
      this.#openBatches.set(id, batch);
      this.#lock
        .run(id, () => {
          // The batch closes when its turn comes: later patches form the next one.
          this.#openBatches.delete(id);
          return this.#applyBatch(id, batch);
        })
        .then(
          (results) => {
            for (const [i, queued] of batch.entries()) queued.resolve(results[i] as PatchResult);
          },
          (error: unknown) => {
            for (const queued of batch) queued.reject(error);
          },
        );
    });
  }

  async #applyBatch(id: string, batch: readonly QueuedPatch[]): Promise<PatchResult[]> {
    const current = await this.#live(id);
    if (!current) return batch.map(() => 'missing');
    let record = current.record;
    let changed = false;
    const results = batch.map(({ patch }): PatchResult => {
      if (patchConflicts(record.fields, patch)) return 'conflict';
      record = applyPatch(record, patch);
      changed = true;
      return 'ok';
    });
    if (changed) await this.#write(record, current.epoch);
    return results;
  }

  destroy(id: string): Promise<void> {
    if (id.startsWith(META)) return Promise.resolve();
    return this.#lock.run(id, () => callbackDestroy(this.#store, id));
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    const ids = await this.#indexIds(userId);
    const found = await Promise.all(ids.map((id) => this.get(id)));
    const live = found.filter((r): r is StoredSession => r !== null && r.userId === userId);
    if (live.length < ids.length) {
      const keep = new Set(live.map((r) => r.id));
      await this.#index(userId, (set) => {
        for (const id of ids) if (!keep.has(id)) set.delete(id);
      });
    }
    return live;
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    const records = await this.listByUser(userId);
    let removed = 0;
    for (const record of records) {
      if (except.includes(record.id)) continue;
      await this.destroy(record.id);
      removed++;
    }
    if (removed > 0) {
      await this.#index(userId, (set) => {
        for (const id of [...set]) if (!except.includes(id)) set.delete(id);
      });
    }
    return removed;
  }

  revokeAll(): Promise<void> {
    return this.#lock.run(EPOCH_KEY, async () => {
      const next = (await this.#epoch()) + 1;
      await callbackSet(this.#store, EPOCH_KEY, envelope(Date.now() + META_LIFETIME, { v: 1, epoch: next }));
    });
  }

  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    if (typeof this.#store.all !== 'function') return 0; // the store's TTL removes them
    const epoch = await this.#epoch();
    let removed = 0;
    for (const [id, raw] of await callbackAll(this.#store)) {
      if (removed >= limit) break;
      const part = custosPart(raw);
      if (!part?.record || id.startsWith(META)) continue;
      if (part.record.expiresAt <= now || (part.epoch ?? 0) < epoch) {
        await this.destroy(id);
        removed++;
      }
    }
    return removed;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    if (typeof this.#store.all !== 'function') {
      throw new CustosError(
        'INVALID_OPTION',
        'this express-session store has no all() method, so its sessions cannot be listed for export.',
      );
    }
    const epoch = await this.#epoch();
    for (const [id, raw] of await callbackAll(this.#store)) {
      const live = this.#parse(id, raw, epoch);
      if (live) yield live.record;
    }
  }

  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    let n = 0;
    for await (const record of records) {
      if (!isStoredSession(record) || record.id.startsWith(META)) {
        throw new CustosError('INVALID_RECORD', `import record #${n + 1} is not a valid session record`);
      }
      await this.#lock.run(record.id, async () => this.#write(record, await this.#epoch()));
      if (record.userId !== null) await this.#index(record.userId, (ids) => ids.add(record.id), record);
      n++;
    }
    return n;
  }

  async ping(): Promise<void> {
    await callbackGet(this.#store, EPOCH_KEY);
  }

  async close(): Promise<void> {
    // The foreign store's connections belong to the caller.
  }

  async #count(): Promise<number> {
    let n = 0;
    for await (const _ of this.exportRecords()) n++;
    return n;
  }

  async #epoch(): Promise<number> {
    const epoch = custosPart(await callbackGet(this.#store, EPOCH_KEY))?.epoch;
    return typeof epoch === 'number' ? epoch : 0;
  }

  async #live(id: string): Promise<{ record: StoredSession; epoch: number } | null> {
    const [epoch, raw] = await Promise.all([this.#epoch(), callbackGet(this.#store, id)]);
    return this.#parse(id, raw, epoch);
  }

  /** A record is live when it is ours, well-formed, under its own id, and not older than the epoch. */
  #parse(id: string, raw: unknown, epoch: number): { record: StoredSession; epoch: number } | null {
    const part = custosPart(raw);
    if (!part || !isStoredSession(part.record) || part.record.id !== id) return null;
    const recordEpoch = part.epoch ?? 0;
    return recordEpoch >= epoch ? { record: part.record, epoch: recordEpoch } : null;
  }

  #write(record: StoredSession, epoch: number): Promise<void> {
    const ttlEnd = Math.max(record.expiresAt, Date.now()) + this.#grace;
    return callbackSet(this.#store, record.id, envelope(ttlEnd, { v: 1, epoch, record }));
  }

  async #indexIds(userId: string): Promise<string[]> {
    const ids = custosPart(await callbackGet(this.#store, userKey(userId)))?.ids;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }

  /** Read-modify-write of a user's index, under this process's lock (not atomic across processes). */
  #index(userId: string, change: (ids: Set<string>) => void, record?: StoredSession): Promise<void> {
    return this.#lock.run(userKey(userId), async () => {
      const raw = await callbackGet(this.#store, userKey(userId));
      const part = custosPart(raw);
      const ids = new Set(Array.isArray(part?.ids) ? part.ids : []);
      change(ids);
      const previousEnd = Date.parse((raw as Envelope | null)?.cookie?.expires ?? '') || 0;
      const recordEnd = record ? Math.max(record.absoluteExpiresAt, record.expiresAt) + this.#grace : 0;
      const end = Math.max(previousEnd, recordEnd, Date.now() + this.#grace);
      if (ids.size === 0) await callbackDestroy(this.#store, userKey(userId));
      else await callbackSet(this.#store, userKey(userId), envelope(end, { v: 1, ids: [...ids] }));
    });
  }
}
