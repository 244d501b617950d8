import type { Context } from 'hono';
import type { FailureAnswer } from './error-body.js';

/**
 * A row of the failure table through `c.body`, so headers the middleware set before refusing
 * (`Vary`) stay on the answer, which a bare `Response` returned from a middleware would drop.
 */
export function failureBody(c: Context, answer: FailureAnswer): Response {
  const headers = Object.fromEntries(answer.headers);
  const status = answer.status as 403;
  return answer.body === '' ? c.body(null, status, headers) : c.body(answer.body, status, headers);
}
