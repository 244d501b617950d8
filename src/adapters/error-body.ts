import { CustosError } from '../errors.js';
import { sessionErrorBody } from '../vocabulary/failure-text.js';

export { sessionErrorBody } from '../vocabulary/failure-text.js';

/** A custos error as `{ status, body }`, or null for any other error (left to the framework). */
export function genericSessionFailure(error: unknown): { status: number; body: string } | null {
  if (!(error instanceof CustosError)) return null;
  return { status: error.status, body: sessionErrorBody(error.status) };
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
