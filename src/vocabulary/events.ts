/**
 * Typed lifecycle and security events (DESIGN decision 9). They carry a keyed hash of the
 * session's handle, never the handle itself, a token, a CSRF token or session data: OWASP's
 * Session Management Cheat Sheet ("log a salted-hash of the session ID instead of the session
 * ID itself"), checklist STO-05. The handle is a third of the cookie value; a log reader must
 * not learn it.
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
  /**
   * `HMAC-SHA256(log key, handle)`, 128 bits in base64url, when a session is known: the same
   * session gives the same value across events and instances sharing the secrets, so log lines
   * can be correlated; `manager.sidHash(handle)` maps a device-list handle to it.
   */
  readonly sidHash?: string;
  readonly userId?: string | null;
  /** Client address as seen by the adapter (trusted proxies only). */
  readonly ip?: string;
  /** A short, fixed explanation such as `'bad-mac'` or `'origin-mismatch'`. */
  readonly reason?: string;
  /** For `revoked`: how many sessions were ended. */
  readonly count?: number;
}

/** What emitters hand the manager: the raw handle, which `emit` replaces by its `sidHash`. */
export type EventInput = Omit<SessionEvent, 'at' | 'sidHash'> & { readonly handle?: string };

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
