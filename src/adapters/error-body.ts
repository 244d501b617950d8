import { CustosError } from '../errors.js';
import { type FailureAnswer, failureAnswer } from '../vocabulary/failure-text.js';

export {
  type FailureAnswer,
  failureAnswer,
  httpsRedirect,
  httpsRefusal,
  sessionErrorBody,
} from '../vocabulary/failure-text.js';

/** A custos error as its row of the failure table, or null for any other error (left to the framework). */
export function genericSessionFailure(error: unknown): FailureAnswer | null {
  if (!(error instanceof CustosError)) return null;
  return failureAnswer(error.status);
}

/** A failure answer as a Fetch `Response` (Fetch adapter, Hono, Next.js). */
export function failureResponse(answer: FailureAnswer): Response {
  return new Response(answer.body === '' ? null : answer.body, {
    status: answer.status,
    headers: answer.headers.map(([name, value]): [string, string] => [name, value]),
  });
}

/**
 * Commits the session after the route ran and says which custos failure the answer must show:
 * the route's own (passed in) first, else the commit's. Any other error is rethrown.
 */
export async function commitAfterRoute(session: { commit(): Promise<void> }, routeFailure: unknown): Promise<unknown> {
  try {
    await session.commit();
  } catch (error) {
    if (!(error instanceof CustosError)) throw error;
    return routeFailure ?? error;
  }
  return routeFailure;
}
