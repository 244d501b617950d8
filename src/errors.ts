/**
 * Every error custos throws on purpose. Callers branch on `code`, never on the message:
 * messages say what to change, and never contain a token, a secret or session data.
 */
export type CustosErrorCode =
  | 'INVALID_OPTION'
  | 'SECRET_TOO_SHORT'
  | 'NO_SECRETS'
  | 'INVALID_DURATION'
  | 'INVALID_COOKIE_OPTION'
  | 'NO_ABSOLUTE_TIMEOUT'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CONFLICT'
  | 'SESSION_DESTROYED'
  | 'COOKIE_TOO_LARGE'
  | 'INVALID_KEY'
  | 'TOO_MANY_SESSIONS'
  | 'NOT_AUTHENTICATED'
  | 'REAUTH_REQUIRED'
  | 'CSRF_REJECTED'
  | 'HTTPS_REQUIRED'
  | 'INVALID_RECORD'
  | 'INVALID_INPUT'
  | 'INVALID_BACKUP';

/**
 * The error custos throws on purpose: branch on `code` (and answer with `status`), never on the message.
 *
 * @example
 * ```ts
 * import { CustosError } from 'custos';
 *
 * if (!isAllowed) throw new CustosError('NOT_AUTHENTICATED', 'Sign in first'); // status 401
 * ```
 */
export class CustosError extends Error {
  readonly code: CustosErrorCode;
  /** HTTP status an adapter answers with when this error reaches it. */
  readonly status: number;

  constructor(code: CustosErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CustosError';
    this.code = code;
    this.status = options?.status ?? defaultStatus(code);
  }
}

function defaultStatus(code: CustosErrorCode): number {
  switch (code) {
    case 'STORE_UNAVAILABLE':
      return 503;
    case 'NOT_AUTHENTICATED':
      return 401;
    case 'REAUTH_REQUIRED':
    case 'CSRF_REJECTED':
    case 'HTTPS_REQUIRED':
    case 'TOO_MANY_SESSIONS':
      return 403;
    case 'STORE_CONFLICT':
      return 409;
    // Bad input, not an outage: no 503, no Retry-After, no store-error (RFC 9110 §15.5).
    case 'INVALID_INPUT':
    case 'INVALID_BACKUP':
      return 400;
    case 'COOKIE_TOO_LARGE':
      return 413;
    default:
      return 500;
  }
}

/**
 * Whether `value` is a `CustosError`, optionally one with the given `code`.
 *
 * @example
 * ```ts
 * import { isCustosError } from 'custos';
 *
 * try {
 *   session.requireFreshAuth();
 * } catch (error) {
 *   if (isCustosError(error, 'REAUTH_REQUIRED')) return redirect('/login?reauth=1');
 *   throw error;
 * }
 * ```
 */
export function isCustosError(value: unknown, code?: CustosErrorCode): value is CustosError {
  return value instanceof CustosError && (code === undefined || value.code === code);
}
