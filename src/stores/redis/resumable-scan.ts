import { scanKeys } from './client.js';
import type { RedisContext } from './context.js';

/**
 * A SCAN over one key pattern that outlives a call: each `page()` continues where the previous
 * one stopped, even from another call, because a SCAN cursor stays valid between commands (Redis
 * guarantees a full iteration returns every key present throughout). Purge and the user-index
 * sweep use it so that a run of bounded batches walks the keyspace once, not once per batch.
 */
export class ResumableScan {
  #scan: AsyncGenerator<string[]> | null = null;
  #unread: string[] = [];

  constructor(
    private readonly ctx: RedisContext,
    private readonly pattern: string,
  ) {}

  /** The next keys of this pass; null when the pass is over (the next call starts a new one). */
  async page(): Promise<string[] | null> {
    if (this.#unread.length > 0) {
      const keys = this.#unread;
      this.#unread = [];
      return keys;
    }
    this.#scan ??= scanKeys(this.ctx.client, this.pattern);
    try {
      const next = await this.#scan.next();
      if (!next.done) return next.value;
      this.#scan = null;
      return null;
    } catch (error) {
      this.#scan = null; // a failed SCAN cannot be resumed: the next page starts a new pass
      throw error;
    }
  }

  /** Keys a caller took but did not get to: the next `page()` returns them first. */
  putBack(keys: string[]): void {
    if (keys.length > 0) this.#unread = keys;
  }
}

const scans = new WeakMap<RedisContext, Map<string, ResumableScan>>();

/** The store's resumable SCAN over `pattern`, shared by every call on the same store. */
export function resumableScan(ctx: RedisContext, pattern: string): ResumableScan {
  let byPattern = scans.get(ctx);
  if (!byPattern) scans.set(ctx, (byPattern = new Map()));
  let scan = byPattern.get(pattern);
  if (!scan) byPattern.set(pattern, (scan = new ResumableScan(ctx, pattern)));
  return scan;
}
