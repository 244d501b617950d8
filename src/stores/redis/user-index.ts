/** One member of a per-user index: a session id and the expiresAt it had when indexed. */
export interface IndexEntry {
  readonly id: string;
  readonly score: number;
}

/** Entries from a `ZRANGE … WITHSCORES` reply (flat member/score list). */
export function parseIndex(flat: readonly string[]): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i]!, score: Number(flat[i + 1]) });
  return entries;
}
