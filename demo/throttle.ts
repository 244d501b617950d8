/**
 * Login throttling keyed on the account name, not the IP (checklist §10, NIST 800-63B §5.2.2):
 * a few free failures, then the account waits 1 s, 2 s, 4 s, ... up to 15 minutes between tries.
 * Unknown names are throttled exactly like real ones, so the answer never reveals which exist.
 */
export interface ThrottleOptions {
  freeFailures?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: () => number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
}

/** At most this many names are remembered; the oldest go first (bounded memory under spraying). */
const MAX_ENTRIES = 10_000;

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;
  readonly #clock: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.#free = options.freeFailures ?? 5;
    this.#base = options.baseDelayMs ?? 1_000;
    this.#max = options.maxDelayMs ?? 15 * 60_000;
    this.#clock = options.clock ?? Date.now;
  }

  static key(name: unknown): string {
    return typeof name === 'string' ? name.trim().toLowerCase().slice(0, 128) : '';
  }

  /** Milliseconds to wait before this account may try again; 0 when it may try now. */
  retryAfter(name: string): number {
    const entry = this.#entries.get(LoginThrottle.key(name));
    return entry ? Math.max(0, entry.lockedUntil - this.#clock()) : 0;
  }

  failed(name: string): void {
    const key = LoginThrottle.key(name);
    const entry = this.#entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    entry.failures += 1;
    const over = entry.failures - this.#free;
    if (over >= 0) entry.lockedUntil = this.#clock() + Math.min(this.#max, this.#base * 2 ** over);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  succeeded(name: string): void {
    this.#entries.delete(LoginThrottle.key(name));
  }
}
