import type { UserPage } from '../contract.js';
import { cursorAfter } from '../page-cursor.js';
import { guarded } from './client.js';
import { bulkEpoch, type RedisContext, readRecord } from './context.js';
import { type IndexEntry, parseIndex, pruneIndex } from './user-index.js';

/** Index entries fetched per round beyond the page size: absorbs stale entries and score ties. */
const SLACK = 8;
/** Rounds per page: a page over an index full of stale entries stays bounded (it comes back short). */
const MAX_ROUNDS = 4;

/**
 * One page of a user's sessions, most recently written first (the index score is the record's
 * expiry hint), read from the per-user sorted set with `ZREVRANGEBYSCORE … LIMIT`: a page costs
 * `limit` record reads plus a few, whatever the user's total. The cursor is `<score>:<id>` of
 * the last entry shown; members with the same score come in reverse lexical order, as Redis
 * returns them.
 */
export async function listByUserPage(
  ctx: RedisContext,
  userId: string,
  limit: number,
  after: { key: number; id: string } | null,
): Promise<UserPage> {
  const indexKey = ctx.keys.userIndex(userId);
  const epoch = await bulkEpoch(ctx);
  const records: UserPage['records'] = [];
  const stale: IndexEntry[] = [];
  let from = after;
  let last: IndexEntry | null = null;
  let exhausted = false;
  let want = limit + SLACK;
  for (let round = 0; round < MAX_ROUNDS && records.length < limit && !exhausted; round++) {
    const max = from === null ? '+inf' : String(from.key);
    const flat = await guarded(ctx.client.zrevrangebyscore(indexKey, max, '-inf', 'WITHSCORES', 'LIMIT', 0, want));
    const fetched = parseIndex(flat);
    // Entries sharing the cursor's score, down to the cursor itself, were on earlier pages.
    const cut = from;
    const fresh = cut === null ? fetched : fetched.filter((e) => !(e.score === cut.key && e.id >= cut.id));
    if (fresh.length === 0) {
      exhausted = fetched.length < want;
      want *= 4; // only ties at the cursor came back: look further
      continue;
    }
    const take = fresh.slice(0, limit - records.length);
    const read = await Promise.all(take.map((entry) => readRecord(ctx, ctx.keys.session(entry.id), epoch)));
    read.forEach((record, i) => {
      const entry = take[i] as IndexEntry;
      if (record && record.userId === userId) records.push(record);
      else stale.push(entry);
    });
    last = take.at(-1) as IndexEntry;
    from = { key: last.score, id: last.id };
    exhausted = fetched.length < want && take.length === fresh.length;
  }
  await pruneIndex(ctx, indexKey, stale, Date.now());
  const next = exhausted || last === null ? null : cursorAfter(last.score, last);
  return { records, next };
}
