/**
 * The one table of failure answers: status, body and headers, rendered as-is by every adapter,
 * so the same failure reads the same on Express, node:http, Fetch, Fastify, Koa and Hono. The
 * status says what happened; the text never says why: no cause, no error code, no backend
 * detail (checklist STO-04).
 */

/** One answer an adapter sends instead of the route's: render `headers` verbatim, then `body`. */
export interface FailureAnswer {
  readonly status: number;
  readonly body: string;
  /** Lower-case names. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/**
 * A hint, not a promise: a store outage is usually a failover or a restart, seconds long; a
 * client (or a proxy) that retries sooner only adds load (RFC 9110 §10.2.3).
 */
export const STORE_RETRY_AFTER_SECONDS = 5;

const TEXT: readonly [string, string] = ['content-type', 'text/plain; charset=utf-8'];
// A failure is about this request at this moment: no cache may replay it (RFC 9111 §5.2.2.5).
const NO_STORE: readonly [string, string] = ['cache-control', 'no-store'];

/** The body text for each failure status. */
export function sessionErrorBody(status: number): string {
  if (status === 503) return 'Service unavailable';
  if (status === 401) return 'Not signed in';
  if (status === 403) return 'Forbidden';
  // RFC 9110 §15.5.10: the request conflicted with the current state; repeating it may succeed.
  if (status === 409) return 'Conflict, try again';
  if (status === 413) return 'Content too large';
  if (status === 415) return 'Unsupported Media Type';
  if (status >= 400 && status < 500) return 'Bad request';
  return 'Internal error';
}

/**
 * The answer for a failure status: a custos error's `status`, a CSRF or content-type verdict's.
 * Only an outage (503) says when to come back; bad input (400, 413) is not an outage.
 */
export function failureAnswer(status: number): FailureAnswer {
  const headers =
    status === 503 ? [TEXT, NO_STORE, ['retry-after', String(STORE_RETRY_AFTER_SECONDS)] as const] : [TEXT, NO_STORE];
  return { status, body: sessionErrorBody(status), headers };
}

/** A plain-HTTP unsafe request under `enforceHttps`: refused before any handler (checklist TLS-02). */
export function httpsRefusal(): FailureAnswer {
  return { status: 403, body: 'HTTPS required', headers: [TEXT, NO_STORE] };
}

/**
 * A plain-HTTP GET/HEAD under `enforceHttps`: sent to the configured host (checklist TLS-01).
 * No body, so no content type; `no-store`, so no cache keeps sending visitors to plain HTTP.
 */
export function httpsRedirect(status: number, location: string): FailureAnswer {
  return { status, body: '', headers: [NO_STORE, ['location', location]] };
}
