import { readCookie } from '../cookie/parse.js';
import { type SetCookie, serializeSetCookie } from '../cookie/serialize.js';
import type { Keyring } from '../crypto/keyring.js';
import { headerValue, type RequestLike } from '../vocabulary/request.js';
import { isVisitor, mintVisitor, signDoubleSubmit, verifyDoubleSubmit } from './double-submit.js';
import type { PreSessionCheck } from './verify.js';

export interface PreSessionToken {
  /** Put this in the form's `_csrf` field (or the `x-csrf-token` header). */
  readonly token: string;
  /** A `Set-Cookie` value to add to the response, or null when the visitor already has the cookie. */
  readonly setCookie: string | null;
  /** The same visitor cookie as data (`setCookie` is it serialized), or null. */
  readonly cookie: SetCookie | null;
}

/** `__Host-csrf` (checklist CSRF-04: host-prefixed), or `csrf` for plain-HTTP development. */
export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-csrf' : 'csrf';
}

function visitorOf(request: RequestLike, name: string): string | null {
  const { value } = readCookie(headerValue(request.headers, 'cookie'), name);
  return isVisitor(value) ? value : null;
}

/**
 * A CSRF token for a form shown before any session exists, without creating one (checklist
 * FIX-04): the visitor cookie is reused when present, minted otherwise.
 */
export function issuePreSessionToken(keyring: Keyring, secure: boolean, request: RequestLike): PreSessionToken {
  const name = csrfCookieName(secure);
  const existing = visitorOf(request, name);
  const visitor = existing ?? mintVisitor();
  const cookie: SetCookie | null =
    existing === null
      ? { name, value: visitor, attributes: { path: '/', secure, httpOnly: true, sameSite: 'Strict' } }
      : null;
  return {
    token: signDoubleSubmit(keyring, visitor),
    setCookie: cookie === null ? null : serializeSetCookie(cookie),
    cookie,
  };
}

/** The check `verifyCsrf` runs when the session has no token of its own yet. */
export function preSessionCheck(keyring: Keyring, secure: boolean, request: RequestLike): PreSessionCheck {
  return (submitted) => verifyDoubleSubmit(keyring, visitorOf(request, csrfCookieName(secure)), submitted);
}
