import { guarded } from './client.js';
import { type RedisContext, readRecord } from './context.js';
import { resumableScan } from './resumable-scan.js';

/**
 * The per-user index is a hint, never the truth: readers check every record it names (owner,
 * epoch, existence). On a cluster it is written in a second command, before the record, so it may
 * name records that never came to be; entries are pruned once their expiresAt hint has passed.
 */
export interface IndexEntry {
  readonly id: string;
  /** expiresAt when the entry was written (patch does not move it; the purge sweep does). */
  readonly score: number;
}

/** Entries from a `ZRANGE … WITHSCORES` reply (flat member/score list). */
export function parseIndex(flat: readonly string[]): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i]!, score: Number(flat[i + 1]) });
  return entries;
}

export async function indexEntries(ctx: RedisContext, indexKey: string): Promise<IndexEntry[]> {
  return parseIndex(await guarded(ctx.client.zrange(indexKey, 0, -1, 'WITHSCORES')));
}

/**
 * Drops entries whose record is gone. Only those whose expiresAt hint has passed: a fresh entry
 * may belong to a record a cluster `create` is writing right now.
 */
export async function pruneIndex(
  ctx: RedisContext,
  indexKey: string,
  stale: readonly IndexEntry[],
  now: number,
): Promise<void> {
  const expired = stale.filter((entry) => entry.score <= now).map((entry) => entry.id);
  if (expired.length > 0) await guarded(ctx.client.zrem(indexKey, ...expired));
}

/**
 * Visits user indexes, at most about `budget` of them per call (one SCAN page over): prunes
 * entries of vanished sessions and re-scores extended ones. The SCAN resumes where the previous
 * call stopped and starts over once it has been through every index, so a purge call stays
 * bounded however many users there are (it must finish within the store timeout).
 */
export async function sweepUserIndexes(
  ctx: RedisContext,
  now: number,
  epoch: string | undefined,
  budget: number,
): Promise<void> {
  const scan = resumableScan(ctx, ctx.keys.userIndexPattern);
  let visited = 0;
  while (visited < budget) {
    const page = await scan.page();
    if (!page) return;
    visited += page.length;
    await Promise.all(page.map((indexKey) => sweepOneIndex(ctx, indexKey, now, epoch)));
  }
}

async function sweepOneIndex(ctx: RedisContext, indexKey: string, now: number, epoch: string | undefined) {
  const flat = await guarded(ctx.client.zrangebyscore(indexKey, '-inf', String(now), 'WITHSCORES'));
  const entries = parseIndex(flat);
  const records = await Promise.all(entries.map((entry) => readRecord(ctx, ctx.keys.session(entry.id), epoch)));
  await pruneIndex(
    ctx,
    indexKey,
    entries.filter((_, i) => records[i] === null),
    now,
  );
  // A session extended by patch keeps its old hint: move it so the next sweep skips it.
  await Promise.all(
    records.map((record, i) =>
      record && record.expiresAt > entries[i]!.score
        ? guarded(ctx.client.zadd(indexKey, 'XX', String(record.expiresAt), record.id))
        : undefined,
    ),
  );
}
