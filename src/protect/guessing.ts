import type { GuessingOptions } from './options.js';

interface Window {
  start: number;
  count: number;
  reported: boolean;
}

/**
 * Counts unknown or forged session ids per client address (checklist BF-07, CS-SM "Session ID
 * Guessing and Brute Force Detection"). Memory is bounded: at most `maxClients` addresses are
 * tracked, the oldest entry is dropped first (Map insertion order), so a spoofed-address flood
 * cannot grow it without limit.
 */
export class GuessCounter {
  readonly #options: Required<GuessingOptions>;
  readonly #clients = new Map<string, Window>();

  constructor(options: Required<GuessingOptions>) {
    this.#options = options;
  }

  /** Records one bad id; true exactly once per window, when the threshold is reached. */
  record(ip: string, now: number): boolean {
    let entry = this.#clients.get(ip);
    if (!entry || now - entry.start >= this.#options.window) {
      entry = { start: now, count: 0, reported: false };
    }
    this.#clients.delete(ip);
    this.#clients.set(ip, entry);
    while (this.#clients.size > this.#options.maxClients) {
      const oldest = this.#clients.keys().next().value as string;
      this.#clients.delete(oldest);
    }
    entry.count++;
    if (entry.count >= this.#options.threshold && !entry.reported) {
      entry.reported = true;
      return true;
    }
    return false;
  }

  /** Bad ids seen from `ip` in its current window (0 when unknown or expired). */
  count(ip: string, now: number): number {
    const entry = this.#clients.get(ip);
    return entry && now - entry.start < this.#options.window ? entry.count : 0;
  }

  get size(): number {
    return this.#clients.size;
  }
}
