/**
 * Typed lifecycle and security events (DESIGN decision 9). They carry the public handle or
 * nothing, never a token, a CSRF token or session data (checklist STO-05).
 */
export type SessionEventType =
  | 'created'
  | 'rotated'
  | 'destroyed'
  | 'expired-idle'
  | 'expired-absolute'
  | 'revoked'
  | 'evicted'
  | 'unknown-id'
  | 'tampered'
  | 'duplicate-cookie'
  | 'key-rotated'
  | 'csrf-rejected'
  | 'store-error'
  | 'hijack-suspected'
  | 'guessing-suspected'
  | 'https-required'
  | 'config-warning';

export interface SessionEvent {
  readonly type: SessionEventType;
  /** Epoch milliseconds, from the configured clock. */
  readonly at: number;
  /** Public session handle, when one is known. */
  readonly handle?: string;
  readonly userId?: string | null;
  /** Client address as seen by the adapter (trusted proxies only). */
  readonly ip?: string;
  /** A short, fixed explanation such as `'bad-mac'` or `'origin-mismatch'`. */
  readonly reason?: string;
  /** For `revoked`: how many sessions were ended. */
  readonly count?: number;
}

export type EventListener = (event: SessionEvent) => void;

/** Calls the listener and swallows its errors: a broken logger must not break requests. */
export function safeEmit(listener: EventListener | undefined, event: SessionEvent): void {
  if (!listener) return;
  try {
    listener(event);
  } catch {
    // A listener's own failure is its business.
  }
}
