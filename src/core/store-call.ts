import { CustosError } from '../errors.js';
import type { EventListener } from '../vocabulary/events.js';
import { safeEmit } from '../vocabulary/events.js';

// Deadlines use the global `performance` (High Resolution Time, W3C): monotonic like Node's
// perf_hooks export, and present in Node, Bun, Deno and workers alike, where a `node:perf_hooks`
// import is not (workerd provides it only at newer compatibility dates).

/**
 * Workers (Cloudflare's runtime, workerd) cancel a request's timers once its response has gone,
 * so a timer shared by every request would stop watching after the first one: there, each call
 * gets a timer of its own. `navigator.userAgent` is how Workers document telling them apart.
 */
const TIMERS_END_WITH_REQUEST =
  (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers';

/** After the poll phase: `setImmediate` where the runtime has it, else the next timer turn. */
const afterPendingIo: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => setImmediate(run) : (run) => setTimeout(run, 0);

interface Watch {
  readonly deadline: number;
  readonly operation: string;
  readonly fail: (error: CustosError) => void;
}

/**
 * Runs store operations with a deadline. A store that errors or does not answer in time fails
 * closed with `STORE_UNAVAILABLE` (503), never a hang and never a fallback (decision 8). The
 * cause is kept for the operator; the message names no connection string or data.
 *
 * One timer watches every pending call instead of a `setTimeout` plus a `Promise.race` per call:
 * every request makes at least one store call, and that set-up showed in the read path's profile
 * (bench/, issue 7). All calls share one timeout, so the oldest pending call always has the
 * earliest deadline and the watch list stays in deadline order by insertion alone.
 */
export class StoreCaller {
  readonly #timeoutMs: number;
  readonly #onEvent: EventListener | undefined;
  readonly #clock: () => number;
  readonly #watches = new Set<Watch>();
  #timer: NodeJS.Timeout | null = null;

  constructor(timeoutMs: number, onEvent: EventListener | undefined, clock: () => number) {
    this.#timeoutMs = timeoutMs;
    this.#onEvent = onEvent;
    this.#clock = clock;
  }

  call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      return Promise.reject(this.#failure(operation, error));
    }
    if (TIMERS_END_WITH_REQUEST) return this.#callWithOwnTimer(operation, pending);
    return new Promise<T>((resolve, reject) => {
      const watch: Watch = { deadline: performance.now() + this.#timeoutMs, operation, fail: reject };
      this.#watches.add(watch);
      if (this.#timer === null) this.#arm(this.#timeoutMs);
      pending.then(
        (value) => {
          if (this.#watches.delete(watch)) resolve(value);
        },
        (error: unknown) => {
          if (this.#watches.delete(watch)) reject(this.#failure(operation, error));
        },
      );
    });
  }

  #callWithOwnTimer<T>(operation: string, pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.#timedOut(operation)), this.#timeoutMs);
      pending.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(this.#failure(operation, error));
        },
      );
    });
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, Math.ceil(delay)));
    this.#timer.unref?.();
  }

  /**
   * Fails every call past its deadline; re-arms for the next one, or stops when none is left.
   *
   * The verdict waits one turn of the event loop (`setImmediate` runs after the poll phase): a
   * process that was busy for longer than the timeout runs its timers first, before reading the
   * sockets where the store's answer may already be waiting. Judging then would call a store
   * that answered in time "unavailable" because this process was slow to look; answers already
   * received settle their calls first, and only calls still unanswered fail.
   */
  #expire(): void {
    this.#timer = null;
    const now = performance.now();
    const due: Watch[] = [];
    for (const watch of this.#watches) {
      if (watch.deadline > now) break;
      due.push(watch);
    }
    if (due.length > 0) {
      afterPendingIo(() => {
        for (const watch of due) if (this.#watches.delete(watch)) watch.fail(this.#timedOut(watch.operation));
        this.#rearm();
      });
      return;
    }
    this.#rearm();
  }

  /** Arms the timer for the oldest call still watched (the earliest deadline), if any. */
  #rearm(): void {
    if (this.#timer !== null) return;
    for (const watch of this.#watches) {
      this.#arm(watch.deadline - performance.now());
      return;
    }
  }

  #timedOut(operation: string): CustosError {
    return this.#failure(
      operation,
      new CustosError('STORE_UNAVAILABLE', `session store did not answer ${operation} within ${this.#timeoutMs} ms`),
    );
  }

  #failure(operation: string, error: unknown): CustosError {
    // A store that refuses the input on purpose (`COOKIE_TOO_LARGE`, `INVALID_INPUT`…) is up and
    // answering: passing that on as an outage would page on-call and tell clients to retry.
    if (error instanceof CustosError && error.code !== 'STORE_UNAVAILABLE') return error;
    safeEmit(this.#onEvent, { type: 'store-error', at: this.#clock(), reason: operation });
    if (error instanceof CustosError) return error;
    return new CustosError('STORE_UNAVAILABLE', `session store failed during ${operation}`, { cause: error });
  }
}
