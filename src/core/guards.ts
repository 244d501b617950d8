import type { ResolvedOptions } from '../options.js';
import { warnHttpsRequired } from '../protect/config-refusals.js';
import { GuessCounter } from '../protect/guessing.js';
import { detectHijack } from '../protect/hijack.js';
import type { EventInput, SessionEvent } from '../vocabulary/events.js';
import { isLoopbackHost, type RequestLike, requestHost } from '../vocabulary/request.js';
import { INTERNAL, recordedClient } from './internal-fields.js';
import type { Session } from './session.js';

type Emit = (event: EventInput) => void;

const GUESS_EVENTS = new Set(['unknown-id', 'tampered']);

/**
 * The manager's protection state: misconfiguration warnings (once each), id-guessing counts and
 * hijack signals. Kept out of the manager so the request path there stays short.
 */
export class ProtectionGuards {
  readonly #options: ResolvedOptions;
  readonly #emit: Emit;
  readonly #guesses: GuessCounter | null;
  #warnedInsecure = false;

  constructor(options: ResolvedOptions, emit: Emit) {
    this.#options = options;
    this.#emit = emit;
    this.#guesses = options.protect.guessing ? new GuessCounter(options.protect.guessing) : null;
  }

  /** Startup warnings for settings that are allowed but widen exposure (checklist CK-05). */
  warnAtStartup(): void {
    const { cookie } = this.#options;
    if (cookie.domain !== undefined) this.#emit({ type: 'config-warning', reason: 'cookie-domain-widens-scope' });
    if (cookie.path !== '/') this.#emit({ type: 'config-warning', reason: 'cookie-path-set' });
    const remote = this.#options.protect.origins.some((origin) => !isLoopbackHost(new URL(origin).host));
    if (!cookie.secure && remote) this.#warnInsecure();
  }

  /** `secure: false` is for loopback development only: the first other host warns once. */
  checkRequest(request: RequestLike): void {
    if (this.#warnedInsecure || this.#options.cookie.secure) return;
    if (!isLoopbackHost(requestHost(request))) this.#warnInsecure();
  }

  #warnInsecure(): void {
    if (this.#warnedInsecure) return;
    this.#warnedInsecure = true;
    this.#emit({ type: 'config-warning', reason: 'cookie-secure-false-outside-loopback' });
  }

  /** Whether `observe` needs to see events of this type (the manager skips stamping the rest). */
  observes(type: SessionEvent['type']): boolean {
    return type === 'https-required' || (this.#guesses !== null && GUESS_EVENTS.has(type));
  }

  /** Watches emitted events: unknown or forged ids from one address past a threshold (checklist BF-07). */
  observe(event: SessionEvent): void {
    if (event.type === 'https-required') warnHttpsRequired();
    if (!this.#guesses || !event.ip || !GUESS_EVENTS.has(event.type)) return;
    if (this.#guesses.record(event.ip, event.at)) {
      this.#emit({ type: 'guessing-suspected', ip: event.ip, reason: 'unknown-session-ids' });
    }
  }

  /** Bad ids counted for an address in its current window (for apps that want to answer 429). */
  guessCount(ip: string): number {
    return this.#guesses?.count(ip, this.#options.clock()) ?? 0;
  }

  /**
   * Applies the hijack policy to a loaded session. Returns true when the session must be
   * destroyed (policy `destroy`); `reauth` marks the login pending until `reauthenticate()`.
   */
  checkHijack(session: Session<object>, client: { device: string | undefined; ip: string | undefined }): boolean {
    const options = this.#options.protect.hijack;
    const reason = detectHijack(
      recordedClient((name) => session.internalGet(name)),
      client,
      options,
    );
    if (!reason) return false;
    this.#emit({
      type: 'hijack-suspected',
      handle: session.handle ?? undefined,
      userId: session.userId,
      ip: client.ip,
      reason,
    });
    if (options.policy === 'destroy') return true;
    if (options.policy === 'reauth' && session.isAuthenticated) {
      session.internalSet(INTERNAL.auth, { ...session.auth, pending: true });
    }
    return false;
  }
}
