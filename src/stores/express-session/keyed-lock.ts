/**
 * Serialises work per key inside this process. A store with only `get`/`set` cannot do an atomic
 * read-modify-write; this lock makes one process's writes to one key happen one at a time. It does
 * nothing across processes (see docs/migrating-from-express-session.md, "What is atomic").
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
