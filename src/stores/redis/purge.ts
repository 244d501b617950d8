import { runScript } from './client.js';
import { bulkEpoch, epochArg, type RedisContext, scriptKeys } from './context.js';
import { resumableScan } from './resumable-scan.js';
import { PURGE_SCRIPT } from './scripts.js';
import { sweepUserIndexes } from './user-index.js';

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
  const scan = resumableScan(ctx, ctx.keys.sessionPattern);
  let removed = 0;
  while (removed < limit) {
    const page = await scan.page();
    if (!page) {
      // The pass reached the end: the session keys are done, so the user indexes get this call's rest.
      await sweepUserIndexes(ctx, now, epoch, limit);
      break;
    }
    // At most `limit - removed` candidates at once: each script call deletes at most one record.
    const chunk = page.slice(0, limit - removed);
    scan.putBack(page.slice(chunk.length));
    const results = await Promise.all(
      chunk.map((key) =>
        runScript(ctx.client, PURGE_SCRIPT, scriptKeys(ctx, key), [epochArg(ctx, epoch), String(now)]),
      ),
    );
    removed += results.filter((r) => r === 1).length;
  }
  return removed;
}
