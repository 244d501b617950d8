/**
 * mysql2 prepares every distinct statement text once per connection and keeps it, and the server
 * caps prepared statements for all its clients together (max_prepared_stmt_count, 16,382 by
 * default). A statement whose text follows its input size (a VALUES list, an IN list) would
 * prepare a new statement for every size it meets. These helpers keep the number of shapes to
 * log2 of the largest size.
 */

/**
 * Splits `items` into runs whose lengths are powers of two, largest first (13 → 8, 4, 1), none
 * longer than `max` (a power of two).
 */
export function powerOfTwoRuns<T>(items: readonly T[], max = Number.POSITIVE_INFINITY): T[][] {
  const runs: T[][] = [];
  let start = 0;
  while (start < items.length) {
    const size = Math.min(max, 2 ** Math.floor(Math.log2(items.length - start)));
    runs.push(items.slice(start, start + size));
    start += size;
  }
  return runs;
}

/** Pads a non-empty list to the next power of two by repeating its last item (harmless in `IN`). */
export function padToPowerOfTwo<T>(items: readonly T[]): T[] {
  if (items.length === 0) return [];
  const size = 2 ** Math.ceil(Math.log2(items.length));
  return [...items, ...Array.from({ length: size - items.length }, () => items[items.length - 1]!)];
}

/** The power of two at or above `n` (n ≥ 1): a LIMIT spliced into a statement takes few shapes. */
export function powerOfTwoAtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}
