import type { StoredSession } from '../../stores/contract.js';

/** Drains an export into an array. */
export async function collect(records: AsyncIterable<StoredSession>): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for await (const record of records) out.push(record);
  return out;
}

/** Records in id order, so lists from stores with different orders compare equal. */
export function byId(records: readonly StoredSession[]): StoredSession[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The sorted ids of some records. */
export function ids(records: readonly StoredSession[]): string[] {
  return records.map((r) => r.id).sort();
}
