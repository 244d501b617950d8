import { warnOnce } from '../../vocabulary/warn-once.js';
import type { CreateContext, PatchResult, SessionPatch, SessionStore, StoredSession, StoreEvent } from '../contract.js';
import { applyPatch, patchConflicts } from '../patch.js';
import { ClientShares } from './client-shares.js';

export interface MemoryStoreOptions {
  /**
   * Most signed-in sessions kept; past it the least recently used signed-in session is evicted
   * (with an `evicted` event). Anonymous sessions never count against it. @default 100_000
   */
  maxSessions?: number;
  /**
   * Most anonymous sessions kept, a budget of their own: creating anonymous sessions never
   * evicts a signed-in user. Past it, the oldest session of the client holding the most
   * anonymous sessions is evicted (the least recently used one when no client holds two).
   * @default 100_000
   */
  maxAnonymousSessions?: number;
  /** How often expired sessions are swept. @default 60_000 ms */
  sweepInterval?: number;
  /** Clock used by the sweeper. @default Date.now */
  clock?: () => number;
}

interface Entry {
  record: StoredSession;
  epoch: number;
  /** Anonymous records only: who created it, for the per-client share. */
  client: string | undefined;
}

const budget = (value: number | undefined, name: string): number => {
  const n = value ?? 100_000;
  if (!(Number.isInteger(n) && n >= 1))
    throw new TypeError(`memoryStore: ${name} must be a whole number of at least 1`);
  return n;
};

/**
 * A bounded in-process store for tests, demos and single-process apps. Signed-in and anonymous
 * sessions live in two maps with budgets of their own, so a flood of anonymous sessions (which
 * anyone can create without credentials) cannot push a signed-in user out (CWE-770: a shared
 * resource without a per-kind limit). Map insertion order doubles as each LRU list: a
 * read re-inserts the entry at the end. Every eviction is reported, never silent.
 *
 * @example
 * ```ts
 * import { createSessions, MemoryStore } from 'custos';
 *
 * const store = new MemoryStore({ maxSessions: 10_000, maxAnonymousSessions: 50_000 });
 * const manager = createSessions({ secrets: [process.env.SESSION_SECRET!], store });
 * ```
 */
export class MemoryStore implements SessionStore {
  readonly kind = 'memory';
  /** Signed-in records. */
  private readonly signedIn = new Map<string, Entry>();
  private readonly anonymous = new Map<string, Entry>();
  private readonly shares = new ClientShares();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private epoch = 0;
  private readonly maxSessions: number;
  private readonly maxAnonymousSessions: number;
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxSessions = budget(options.maxSessions, 'maxSessions');
    this.maxAnonymousSessions = budget(options.maxAnonymousSessions, 'maxAnonymousSessions');
    this.clock = options.clock ?? Date.now;
    this.timer = setInterval(() => void this.purgeExpired(this.clock()), options.sweepInterval ?? 60_000);
    // Node and Bun return a Timeout object (unref: a sweep never keeps the process alive);
    // web timers (workerd, browsers) return a plain number id, which has nothing to unref.
    this.timer.unref?.();
  }

  async create(record: StoredSession, context?: CreateContext): Promise<boolean> {
    if (this.live(record.id)) return false;
    this.insert(record, context?.client);
    return true;
  }

  async get(id: string): Promise<StoredSession | null> {
    const entry = this.live(id);
    if (!entry) return null;
    const pool = this.poolOf(entry.record);
    pool.delete(id);
    pool.set(id, entry);
    return entry.record;
  }

  async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const entry = this.live(id);
    if (!entry) return 'missing';
    if (patchConflicts(entry.record.fields, patch)) return 'conflict';
    entry.record = applyPatch(entry.record, patch);
    return 'ok';
  }

  async destroy(id: string): Promise<void> {
    this.remove(id);
  }

  async listByUser(userId: string): Promise<StoredSession[]> {
    const ids = this.byUser.get(userId);
    if (!ids) return [];
    const out: StoredSession[] = [];
    for (const id of ids) {
      const entry = this.live(id);
      if (entry) out.push(entry.record);
    }
    return out;
  }

  async destroyByUser(userId: string, except: readonly string[] = []): Promise<number> {
    const ids = [...(this.byUser.get(userId) ?? [])].filter((id) => !except.includes(id));
    let removed = 0;
    for (const id of ids) {
      if (this.live(id)) removed++;
      this.remove(id);
    }
    return removed;
  }

  async revokeAll(): Promise<void> {
    this.epoch++;
  }

  async purgeExpired(now: number, limit = 10_000): Promise<number> {
    let removed = 0;
    for (const pool of [this.signedIn, this.anonymous]) {
      for (const [id, entry] of pool) {
        if (removed >= limit) break;
        if (entry.record.expiresAt <= now || entry.epoch < this.epoch) {
          this.remove(id);
          removed++;
        }
      }
    }
    return removed;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    for (const [id] of [...this.signedIn, ...this.anonymous]) {
      const entry = this.live(id);
      if (entry) yield entry.record;
    }
  }

  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    let n = 0;
    for await (const record of records) {
      this.remove(record.id);
      this.insert(record, undefined);
      n++;
    }
    return n;
  }

  async ping(): Promise<void> {}

  async count(): Promise<number> {
    let n = 0;
    for (const [id] of [...this.signedIn, ...this.anonymous]) if (this.live(id)) n++;
    return n;
  }

  listen(listener: (event: StoreEvent) => void): void {
    this.listeners.add(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private poolOf(record: StoredSession): Map<string, Entry> {
    return record.userId === null ? this.anonymous : this.signedIn;
  }

  private live(id: string): Entry | undefined {
    const entry = this.signedIn.get(id) ?? this.anonymous.get(id);
    if (!entry) return undefined;
    if (entry.epoch < this.epoch) {
      this.remove(id);
      return undefined;
    }
    return entry;
  }

  private insert(record: StoredSession, client: string | undefined): void {
    if (record.userId === null) {
      this.anonymous.set(record.id, { record, epoch: this.epoch, client });
      if (client !== undefined) this.shares.add(client, record.id);
      while (this.anonymous.size > this.maxAnonymousSessions) {
        if (!this.evict(this.shares.heaviestOldest() ?? this.anonymous.keys().next().value, 'anonymous-budget')) break;
      }
      return;
    }
    this.signedIn.set(record.id, { record, epoch: this.epoch, client: undefined });
    let ids = this.byUser.get(record.userId);
    if (!ids) this.byUser.set(record.userId, (ids = new Set()));
    ids.add(record.id);
    while (this.signedIn.size > this.maxSessions) {
      if (!this.evict(this.signedIn.keys().next().value, 'authenticated-budget')) break;
    }
  }

  /** Removes one record to make room and reports it; false when there was nothing to remove. */
  private evict(id: string | undefined, reason: 'anonymous-budget' | 'authenticated-budget'): boolean {
    const entry = id === undefined ? undefined : (this.signedIn.get(id) ?? this.anonymous.get(id));
    if (!entry || id === undefined) return false;
    this.remove(id);
    // Already ended by revokeAll and only awaiting the sweep: nobody is signed out by this.
    if (entry.epoch < this.epoch) return true;
    const budgetName = reason === 'anonymous-budget' ? 'maxAnonymousSessions' : 'maxSessions';
    warnOnce(
      `memory-store-${reason}`,
      `memoryStore() is full (${budgetName}) and evicts sessions to make room: raise ${budgetName} or use a persistent store such as sqliteStore().`,
    );
    const event: StoreEvent = { type: 'evicted', handle: id, userId: entry.record.userId, reason };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's own failure is its business; the eviction has happened either way.
      }
    }
    return true;
  }

  private remove(id: string): void {
    const entry = this.signedIn.get(id) ?? this.anonymous.get(id);
    if (!entry) return;
    this.poolOf(entry.record).delete(id);
    if (entry.client !== undefined) this.shares.remove(entry.client, id);
    const userId = entry.record.userId;
    if (userId !== null) {
      const ids = this.byUser.get(userId);
      ids?.delete(id);
      if (ids && ids.size === 0) this.byUser.delete(userId);
    }
  }
}

/**
 * Creates a `MemoryStore`: the bounded in-process store for tests, demos and single-process apps.
 *
 * @example
 * ```ts
 * import { createSessions, memoryStore } from 'custos';
 *
 * const manager = createSessions({ secrets: [process.env.SESSION_SECRET!], store: memoryStore() });
 * ```
 */
export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
