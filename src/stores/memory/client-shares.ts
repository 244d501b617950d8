/**
 * How many anonymous sessions each client holds, with the heaviest client found in O(1).
 *
 * When the anonymous budget is full, the memory store takes room from the client holding the
 * most anonymous sessions rather than from whoever is least recently used: one client creating
 * sessions in a loop then only displaces its own, never other visitors' (CWE-770: allocation
 * without limits or throttling). Counts are bucketed (count -> clients), the
 * way an LFU cache keeps its frequency lists, so no eviction scans every client.
 */
export class ClientShares {
  /** client -> its session ids, oldest first. */
  readonly #ids = new Map<string, Set<string>>();
  /** count -> the clients holding exactly that many. */
  readonly #byCount = new Map<number, Set<string>>();
  #max = 0;

  add(client: string, id: string): void {
    let ids = this.#ids.get(client);
    if (!ids) this.#ids.set(client, (ids = new Set()));
    if (ids.has(id)) return;
    this.#move(client, ids.size, ids.size + 1);
    ids.add(id);
  }

  remove(client: string, id: string): void {
    const ids = this.#ids.get(client);
    if (!ids?.delete(id)) return;
    this.#move(client, ids.size + 1, ids.size);
    if (ids.size === 0) this.#ids.delete(client);
  }

  /** The oldest session of the client holding the most, when some client holds more than one. */
  heaviestOldest(): string | undefined {
    if (this.#max < 2) return undefined;
    const client = this.#byCount.get(this.#max)?.values().next().value as string;
    return this.#ids.get(client)?.values().next().value as string | undefined;
  }

  #move(client: string, from: number, to: number): void {
    const old = this.#byCount.get(from);
    old?.delete(client);
    if (old && old.size === 0) this.#byCount.delete(from);
    if (to > 0) {
      let bucket = this.#byCount.get(to);
      if (!bucket) this.#byCount.set(to, (bucket = new Set()));
      bucket.add(client);
    }
    if (to > this.#max) this.#max = to;
    // Counts move by one: when the top bucket empties, the client that left it is the new top.
    else if (from === this.#max && !this.#byCount.has(from)) this.#max = to;
  }
}
