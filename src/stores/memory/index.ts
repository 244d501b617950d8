import type { PatchResult, SessionPatch, SessionStore, StoredSession } from '../contract.js';
import { applyPatch, patchConflicts } from '../patch.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; the least recently used is evicted past it. @default 100_000 */
  maxSessions?: number;
  /** How often expired sessions are swept. @default 60_000 ms */
  sweepInterval?: number;
  /** Clock used by the sweeper. @default Date.now */
  clock?: () => number;
}

interface Entry {
  record: StoredSession;
  epoch: number;
}

/**
 * A bounded in-process store for tests, demos and single-process apps. Map insertion order
 * doubles as the LRU list: a read re-inserts the entry at the end.
 */
export class MemoryStore implements SessionStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private epoch = 0;
  private readonly maxSessions: number;
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxSessions = options.maxSessions ?? 100_000;
    this.clock = options.clock ?? Date.now;
    this.timer = setInterval(() => void this.purgeExpired(this.clock()), options.sweepInterval ?? 60_000);
    this.timer.unref();
  }

  async create(record: StoredSession): Promise<boolean> {
    if (this.live(record.id)) return false;
    this.insert(record);
    return true;
  }

  async get(id: string): Promise<StoredSession | null> {
    const entry = this.live(id);
    if (!entry) return null;
    this.entries.delete(id);
    this.entries.set(id, entry);
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
    for (const [id, entry] of this.entries) {
      if (removed >= limit) break;
      if (entry.record.expiresAt <= now || entry.epoch < this.epoch) {
        this.remove(id);
        removed++;
      }
    }
    return removed;
  }

  async *exportRecords(): AsyncIterable<StoredSession> {
    for (const [id] of [...this.entries]) {
      const entry = this.live(id);
      if (entry) yield entry.record;
    }
  }

  async importRecords(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<number> {
    let n = 0;
    for await (const record of records) {
      this.remove(record.id);
      this.insert(record);
      n++;
    }
    return n;
  }

  async ping(): Promise<void> {}

  async count(): Promise<number> {
    let n = 0;
    for (const [id] of this.entries) if (this.live(id)) n++;
    return n;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.epoch < this.epoch) {
      this.remove(id);
      return undefined;
    }
    return entry;
  }

  private insert(record: StoredSession): void {
    this.entries.set(record.id, { record, epoch: this.epoch });
    if (record.userId !== null) {
      let ids = this.byUser.get(record.userId);
      if (!ids) this.byUser.set(record.userId, (ids = new Set()));
      ids.add(record.id);
    }
    while (this.entries.size > this.maxSessions) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
    }
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const userId = entry.record.userId;
    if (userId !== null) {
      const ids = this.byUser.get(userId);
      ids?.delete(id);
      if (ids && ids.size === 0) this.byUser.delete(userId);
    }
  }
}

export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
