import { randomToken } from '../crypto/random.js';
import type { ResolvedOptions } from '../options.js';
import { maskToken } from '../protect/csrf-token.js';
import { issuePreSessionToken, type PreSessionToken, preSessionCheck } from '../protect/presession.js';
import { type CsrfVerdict, verifyCsrf } from '../protect/verify.js';
import type { EventInput } from '../vocabulary/events.js';
import type { RequestLike } from '../vocabulary/request.js';
import { INTERNAL } from './internal-fields.js';
import type { Session } from './session.js';

// The CSRF façade: protect/ decides, this applies the decision to a session (its `$csrf`
// secret, and a refused request counting as no activity).

/**
 * A masked synchronizer token for forms (`_csrf`) and `x-csrf-token` headers. Each call gives
 * different bytes; all verify until the session id changes (checklist CSRF-02, CSRF-03).
 * A visitor without a stored session gets the pre-session token instead (checklist FIX-04).
 */
export function csrfTokenFor<D extends object>(session: Session<D>): string {
  if (session.handle === null && session.internalGet(INTERNAL.csrf) === undefined) return session.preSessionFormToken();
  let secret = session.internalGet(INTERNAL.csrf);
  if (typeof secret !== 'string') {
    secret = randomToken(32);
    session.internalSet(INTERNAL.csrf, secret);
  }
  return maskToken(secret as string);
}

/** The CSRF decision for an unsafe request; a refusal is not activity (checklist TMO-02). */
export function verifyCsrfFor<D extends object>(
  options: ResolvedOptions,
  emit: (event: EventInput) => void,
  request: RequestLike,
  session: Session<D>,
  submitted: string | undefined,
): CsrfVerdict {
  const { keyring, cookie } = options;
  const secret = session.internalGet(INTERNAL.csrf);
  const verdict = verifyCsrf(
    request,
    {
      handle: session.handle ?? undefined,
      userId: session.userId,
      secret: typeof secret === 'string' ? secret : undefined,
    },
    submitted,
    options.protect,
    emit,
    preSessionCheck(keyring, cookie.secure, request),
  );
  if (!verdict.ok) session.discardActivity();
  return verdict;
}

/** A signed double-submit token bound to a `__Host-csrf` visitor cookie (checklist FIX-04, CSRF-04). */
export function preSessionCsrfFor(options: ResolvedOptions, request: RequestLike): PreSessionToken {
  return issuePreSessionToken(options.keyring, options.cookie.secure, request);
}
