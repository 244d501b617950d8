import { CustosError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { SessionStore, StoredSession, UserPage } from '../stores/contract.js';
import { cursorAfter, isPageCursor, parseCursor } from '../stores/page-cursor.js';
import { storedClient } from './internal-fields.js';
import { isAbsoluteExpired, isIdleExpired } from './policy.js';

/** One entry of "your devices" (checklist TRM-05): never a token, never session data. */
export interface SessionInfo {
  readonly handle: string;
  readonly current: boolean;
  readonly device: string | null;
  readonly ip: string | null;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly authenticatedAt: number | null;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
}

export interface SessionPage {
  readonly sessions: SessionInfo[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next: string | null;
}

export interface PageRequest {
  /** At most this many entries (1–1000). @default 50 */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly cursor?: string | null;
  /** The handle of the session asking, marked `current`. */
  readonly current?: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** Checks a page request before any store sees it: bad input is a 400, never a store outage. */
export function checkPageRequest(request: PageRequest): { limit: number; after: string | null } {
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new CustosError('INVALID_INPUT', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { status: 400 });
  }
  const after = request.cursor ?? null;
  if (after !== null && !isPageCursor(after)) {
    throw new CustosError('INVALID_INPUT', 'cursor is not one this API returned; start again without it', {
      status: 400,
    });
  }
  return { limit, after };
}

/**
 * One page for a store without a native page query: the whole list, newest sign-in first,
 * sliced. Correct for any store; the cost grows with the user's session count, which is why
 * the stores that can page natively do.
 */
export async function pageFromList(store: SessionStore, userId: string, limit: number, after: string | null) {
  const all = (await store.listByUser(userId)).sort((a, b) => b.createdAt - a.createdAt || (b.id < a.id ? -1 : 1));
  const from = after === null ? 0 : firstAfter(all, parseCursor(after));
  const records = all.slice(from, from + limit);
  const last = records.at(-1);
  const next = last && from + limit < all.length ? cursorAfter(last.createdAt, last) : null;
  return { records, next } satisfies UserPage;
}

/** Index of the first record strictly after the cursor in (createdAt desc, id desc) order. */
function firstAfter(sorted: readonly StoredSession[], cursor: { key: number; id: string }): number {
  const i = sorted.findIndex((r) => r.createdAt < cursor.key || (r.createdAt === cursor.key && r.id < cursor.id));
  return i === -1 ? sorted.length : i;
}

/**
 * The records whose idle and absolute deadlines have not passed, judged by their unsealed
 * metadata alone: counting or ordering sessions never needs their sealed fields opened.
 */
export function liveRecords(records: readonly StoredSession[], options: ResolvedOptions): StoredSession[] {
  const now = options.clock();
  return records.filter((record) => !isAbsoluteExpired(record, now) && !isIdleExpired(record, options, now));
}

/** Device-list entries for live records (the core re-checks expiry, checklist TMO-06). */
export function describeSessions(
  records: readonly StoredSession[],
  options: ResolvedOptions,
  currentHandle: string | null | undefined,
): SessionInfo[] {
  const out: SessionInfo[] = [];
  for (const record of liveRecords(records, options)) {
    const client = storedClient(options.keyring, record);
    out.push({
      handle: record.id,
      current: record.id === currentHandle,
      device: client.device ?? null,
      ip: client.ip ?? null,
      createdAt: record.createdAt,
      lastSeenAt: record.lastSeenAt,
      authenticatedAt: record.authenticatedAt,
      idleExpiresAt: record.lastSeenAt + options.idleTimeout,
      absoluteExpiresAt: record.absoluteExpiresAt,
    });
  }
  return out;
}
