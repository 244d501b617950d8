import type { EventInput } from '../vocabulary/events.js';
import { headerValue, type RequestLike } from '../vocabulary/request.js';
import { warnOriginNotConfigured } from './config-refusals.js';
import { verifyMaskedToken } from './csrf-token.js';
import type { ResolvedProtectOptions } from './options.js';
import { checkRequestOrigin } from './origin.js';

export type CsrfVerdict = { readonly ok: true } | { readonly ok: false; readonly status: 403; readonly reason: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Responses whose allow/deny depended on these request headers must say so, or a shared cache
 * could replay a decision made for another site (checklist OPT-2).
 *
 * @example
 * ```ts
 * import { CSRF_VARY } from 'custos/protect';
 *
 * // The CSRF decision of an unsafe method read Sec-Fetch-Site and Origin: say so to caches.
 * if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) response.headers.append('vary', CSRF_VARY);
 * ```
 */
export const CSRF_VARY = 'Sec-Fetch-Site, Origin';

/** Whether the CSRF decision for this method looks at Fetch Metadata / Origin at all. */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Checks a submitted token against the visitor's signed double-submit cookie (login forms). */
export type PreSessionCheck = (submitted: string | undefined) => boolean;

/**
 * What the CSRF decision needs to know about the session, as plain values: the decision stays
 * a pure function of the request and these, and never reaches into the engine's session object.
 */
export type CsrfSubject = {
  /** The session's log handle, for the `csrf-rejected` event. */
  readonly handle: string | undefined;
  /** The signed-in user, or null before sign-in (the pre-session token counts only then). */
  readonly userId: string | null;
  /** The session's synchronizer-token secret, when it has one. */
  readonly secret: string | undefined;
};

/**
 * The CSRF decision for one request (checklist CSRF-01..07): safe methods pass; unsafe ones
 * need a same-origin signal (Fetch Metadata / Origin / Referer) AND the session's synchronizer
 * token from the form field or header — never from the query string or a cookie.
 */
export function verifyCsrf(
  request: RequestLike,
  session: CsrfSubject,
  submitted: string | undefined,
  options: ResolvedProtectOptions,
  emit: (event: EventInput) => void,
  preSession?: PreSessionCheck,
): CsrfVerdict {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
  if (options.exempt?.(request)) return { ok: true };
  const reject = (reason: string): CsrfVerdict => {
    emit({
      type: 'csrf-rejected',
      handle: session.handle,
      ip: request.remoteAddress,
      reason: options.reportOnly ? `report-only:${reason}` : reason,
    });
    return options.reportOnly ? { ok: true } : { ok: false, status: 403, reason };
  };
  const origin = checkRequestOrigin(request, options);
  if (!origin.ok) {
    if (origin.reason === 'origin-mismatch' || origin.reason === 'referer-mismatch') {
      warnOriginNotConfigured(request, options.origins);
    }
    return reject(origin.reason);
  }
  const token = submitted ?? headerValue(request.headers, options.header);
  const { secret } = session;
  if (secret !== undefined && verifyMaskedToken(secret, token)) return { ok: true };
  // Checklist FIX-04: before sign-in a signed double-submit token stands in for the session's
  // token; once a user is attached only the session-bound token counts (CSRF-03).
  if (session.userId === null && preSession?.(token)) return { ok: true };
  return reject(secret !== undefined ? 'bad-token' : 'no-session-token');
}
