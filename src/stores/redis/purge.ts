import { runScript, scanKeys } from './client.js';
import { bulkEpoch, epochArg, type RedisContext, scriptKeys } from './context.js';
import { PURGE_SCRIPT } from './scripts.js';
import { sweepUserIndexes } from './user-index.js';

/**
 * `purgeExpired` for Redis. Keys carry a TTL (expiresAt + grace), so Redis deletes sessions by
 * itself; this deletes earlier those with expiresAt <= now or revoked by the epoch, at most
 * `limit`, then (when the batch is not full, i.e. nothing is left) prunes up to about `limit`
 * per-user indexes, resuming where the previous call stopped.
 * It SCANs the prefix on every master: O(sessions) per call, a maintenance job.
 */
export async function purgeExpired(ctx: RedisContext, now: number, limit: number): Promise<number> {
  const epoch = await bulkEpoch(ctx);
  let removed = 0;
  sweep: for await (const batch of scanKeys(ctx.client, ctx.keys.sessionPattern)) {
    for (let start = 0; start < batch.length; ) {
      const room = limit - removed;
      if (room <= 0) break sweep;
      // At most `room` candidates at once: each call deletes at most one record.
      const chunk = batch.slice(start, start + room);
      start += chunk.length;
      const results = await Promise.all(
        chunk.map((key) =>
          runScript(ctx.client, PURGE_SCRIPT, scriptKeys(ctx, key), [epochArg(ctx, epoch), String(now)]),
        ),
      );
      removed += results.filter((r) => r === 1).length;
    }
  }
  if (removed < limit) await sweepUserIndexes(ctx, now, epoch, limit);
  return removed;
}
