import type { StoredSession } from './contract.js';

/** `<sort key>:<handle>`: the store's sort value of the last entry shown, then its handle. */
const CURSOR = /^(\d{1,16}):([A-Za-z0-9_-]{1,128})$/;

/** Whether a value from a caller has the shape of a cursor a store returned. */
export function isPageCursor(value: unknown): value is string {
  return typeof value === 'string' && CURSOR.test(value);
}

/** The cursor naming `record` as the last one shown, for a store sorting by `key`. */
export function cursorAfter(key: number, record: Pick<StoredSession, 'id'>): string {
  return `${Math.max(0, Math.trunc(key))}:${record.id}`;
}

/** The parts of a cursor already checked by `isPageCursor` (the core checks before any store call). */
export function parseCursor(cursor: string): { key: number; id: string } {
  const match = CURSOR.exec(cursor) as RegExpExecArray;
  return { key: Number(match[1]), id: match[2] as string };
}

/**
 * A page from a keyset query that read up to `limit + 1` rows (or more): the first `limit` as
 * records, and a cursor after the last of them only when a further row showed another page exists.
 */
export function keysetPage<Row>(
  rows: readonly Row[],
  limit: number,
  toRecord: (row: Row) => StoredSession,
): { records: StoredSession[]; next: string | null } {
  const records = rows.slice(0, limit).map(toRecord);
  const last = records.at(-1);
  return { records, next: rows.length > limit && last ? cursorAfter(last.createdAt, last) : null };
}
