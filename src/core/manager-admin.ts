import {
  checkPageRequest,
  describeSessions,
  type PageRequest,
  pageFromList,
  type SessionInfo,
  type SessionPage,
} from './device-list.js';
import type { ManagerContext } from './manager-context.js';

// Administration: listing and ending sessions by user or handle, purging, health. Each is one
// store call under the store timeout, plus the event saying what ended.

/** A user's live sessions, newest first. */
export async function listSessions(
  ctx: ManagerContext,
  userId: string,
  currentHandle?: string | null,
): Promise<SessionInfo[]> {
  const records = await ctx.call('listByUser', () => ctx.store.listByUser(userId));
  return describeSessions(records, ctx.options, currentHandle).sort((a, b) => b.createdAt - a.createdAt);
}

/** One page of a user's live sessions; a store without native paging is paged from its list. */
export async function listSessionsPage(
  ctx: ManagerContext,
  userId: string,
  request: PageRequest,
): Promise<SessionPage> {
  const { limit, after } = checkPageRequest(request);
  const store = ctx.store;
  const page = await ctx.call('listByUser', () =>
    store.listByUserPage ? store.listByUserPage(userId, { limit, after }) : pageFromList(store, userId, limit, after),
  );
  return { sessions: describeSessions(page.records, ctx.options, request.current), next: page.next };
}

/** Ends one session by handle; with `userId`, only if it belongs to that user. */
export async function revoke(ctx: ManagerContext, handle: string, userId: string | undefined): Promise<boolean> {
  if (typeof handle !== 'string' || handle.length === 0 || handle.length > 64) return false;
  const record = await ctx.call('get', () => ctx.store.get(handle));
  if (!record) return false;
  if (userId !== undefined && record.userId !== userId) return false;
  await ctx.call('destroy', () => ctx.store.destroy(handle));
  ctx.emit({ type: 'revoked', handle, userId: record.userId, count: 1 });
  return true;
}

/** Ends every session of a user except the listed handles. */
export async function revokeUser(
  ctx: ManagerContext,
  userId: string,
  except: readonly (string | null | undefined)[],
): Promise<number> {
  const kept = except.filter((h): h is string => typeof h === 'string');
  const count = await ctx.call('destroyByUser', () => ctx.store.destroyByUser(userId, kept));
  ctx.emit({ type: 'revoked', userId, count, reason: kept.length > 0 ? 'other-sessions' : 'all-user-sessions' });
  return count;
}

/** Ends every session of every user at once (the store's global epoch). */
export async function revokeAll(ctx: ManagerContext): Promise<void> {
  await ctx.call('revokeAll', () => ctx.store.revokeAll());
  ctx.emit({ type: 'revoked', reason: 'all-sessions' });
}

/** Deletes expired records in batches; returns how many went. */
export async function purgeExpired(ctx: ManagerContext, batchSize: number, maxBatches: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const removed = await ctx.call('purgeExpired', () => ctx.store.purgeExpired(ctx.options.clock(), batchSize));
    total += removed;
    if (removed < batchSize) break;
  }
  return total;
}

/** Whether the store answers in time. */
export async function isHealthy(ctx: ManagerContext): Promise<boolean> {
  const { store } = ctx;
  try {
    await ctx.call('ping', () => (store.ping ? store.ping() : store.get('health-check').then(() => undefined)));
    return true;
  } catch {
    return false;
  }
}
