/**
 * The one body text for each failure status, used by every adapter, so the same failure reads
 * the same on Express, node:http, Fetch, Fastify, Koa and Hono. The status says what happened;
 * the text never says why: no cause, no error code, no backend detail (checklist STO-04).
 */
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
