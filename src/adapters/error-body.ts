import { CustosError } from '../errors.js';

/** The one-line body for a session failure: status only, never the cause (checklist STO-04). */
export function sessionErrorBody(status: number): string {
  if (status === 503) return 'Service unavailable';
  if (status === 401) return 'Not signed in';
  if (status === 403) return 'Forbidden';
  if (status === 409) return 'Conflict, try again';
  if (status === 413) return 'Content too large';
  if (status >= 400 && status < 500) return 'Bad request';
  return 'Internal error';
}

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
