import { runScript, scanKeys } from './client.js';
import { bulkEpoch, epochArg, type RedisContext, scriptKeys } from './context.js';
import { PURGE_SCRIPT } from './scripts.js';
import { sweepUserIndexes } from './user-index.js';

/** Where the last call stopped in its pass over the session keys: the SCAN and its unread keys. */
interface Pass {
  readonly scan: AsyncGenerator<string[]>;
  pending: string[];
}
const passes = new WeakMap<RedisContext, Pass>();

/**
 * `purgeExpired` for Redis. Keys carry a TTL (expiresAt + grace), so Redis deletes sessions by
 * itself; this deletes earlier those with expiresAt <= now or revoked by the epoch, at most
 * `limit`, then (when the batch is not full, i.e. the pass reached the end) prunes up to about
 * `limit` per-user indexes. Both resume where the previous call stopped: a SCAN cursor stays
 * valid between calls (Redis guarantees a full iteration returns every key present throughout),
 * so `manager.purgeExpired` walks the keyspace once in all, instead of once per batch over a
 * table that a million deletions have left sparse.
 */
export async function purgeExpired(ctx: RedisContext, now: number, limit: number): Promise<number> {
  const epoch = await bulkEpoch(ctx);
  let pass = passes.get(ctx);
  if (!pass) passes.set(ctx, (pass = { scan: scanKeys(ctx.client, ctx.keys.sessionPattern), pending: [] }));
  let removed = 0;
  let finished = false;
  while (removed < limit) {
    if (pass.pending.length === 0) {
      const next = await pass.scan.next().catch((error: unknown) => {
        passes.delete(ctx); // a failed SCAN cannot be resumed: the next call starts a new pass
        throw error;
      });
      if (next.done) {
        finished = true;
        break;
      }
      pass.pending = next.value;
    }
    // At most `limit - removed` candidates at once: each script call deletes at most one record.
    const chunk = pass.pending.slice(0, limit - removed);
    pass.pending = pass.pending.slice(chunk.length);
    const results = await Promise.all(
      chunk.map((key) =>
        runScript(ctx.client, PURGE_SCRIPT, scriptKeys(ctx, key), [epochArg(ctx, epoch), String(now)]),
      ),
    );
    removed += results.filter((r) => r === 1).length;
  }
  if (finished) {
    passes.delete(ctx);
    await sweepUserIndexes(ctx, now, epoch, limit);
  }
  return removed;
}
