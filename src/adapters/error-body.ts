import { CustosError } from '../errors.js';

/** The one-line body for a session failure: status only, never the cause (checklist STO-04). */
export function sessionErrorBody(status: number): string {
  if (status === 503) return 'Service unavailable';
  if (status === 401) return 'Not signed in';
  if (status === 403) return 'Forbidden';
  if (status === 409) return 'Conflict, try again';
  return 'Internal error';
}

/** A custos error as `{ status, body }`, or null for any other error (left to the framework). */
export function genericSessionFailure(error: unknown): { status: number; body: string } | null {
  if (!(error instanceof CustosError)) return null;
  return { status: error.status, body: sessionErrorBody(error.status) };
}
