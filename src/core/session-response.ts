import { type CookieAttributes, serializeClearingCookie, serializeCookie } from '../cookie/serialize.js';
import type { ResolvedOptions } from '../options.js';
import { isAuthenticated } from './session-identity.js';
import type { SessionState } from './session-state.js';
import { serializeToken } from './token.js';

// Response rendering: the `Set-Cookie` and other headers a request's session sends back.

/** The session cookie's attributes for this configuration (Max-Age aside). */
export function sessionCookieAttributes(cookie: ResolvedOptions['cookie']): Omit<CookieAttributes, 'maxAge'> {
  return {
    path: cookie.path,
    domain: cookie.domain,
    secure: cookie.secure,
    httpOnly: true,
    sameSite: cookie.sameSite === 'strict' ? 'Strict' : 'Lax',
  };
}

/**
 * The form token for a visitor without a stored session, issued without creating one: a bot
 * or a visitor who only looks at a form costs the store nothing (checklist FIX-04). Its visitor
 * cookie goes out with `responseHeaders`.
 */
export function preSessionFormToken(state: SessionState): string {
  state.preSession ??= state.client.preSessionToken();
  return state.preSession.token;
}

/** `Set-Cookie` values and other headers the response must carry. */
export function responseHeaders(state: SessionState): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const { cookie, absoluteTimeout, clearSiteData, keyring } = state.ctx.options;
  const attributes = sessionCookieAttributes(cookie);
  const { record } = state;
  const sealed = state.ctx.sealedCookie;
  // Sealed-cookie mode: every write changes the cookie itself, so it is re-issued.
  const action = sealed && state.cookie === 'none' && record && sealed.changed() ? 'set' : state.cookie;
  const value =
    action !== 'set' || !record
      ? null
      : sealed
        ? sealed.value(record.id)
        : state.secret && serializeToken(keyring, { id: record.id, secret: state.secret });
  if (action === 'set' && record && value) {
    // Checklist CK-06: a persistent cookie never outlives the server-side absolute deadline.
    const maxAge = cookie.persistent
      ? Math.min(absoluteTimeout, record.absoluteExpiresAt - state.now) / 1000
      : undefined;
    out.push(['set-cookie', serializeCookie(cookie.name, value, { ...attributes, maxAge })]);
  } else if (action === 'clear') {
    out.push(['set-cookie', serializeClearingCookie(cookie.name, attributes)]);
    if (state.destroyed && clearSiteData) out.push(['clear-site-data', clearSiteData]);
  }
  if (state.preSession?.setCookie) out.push(['set-cookie', state.preSession.setCookie]);
  // Checklist CK-08: nothing that sets the cookie or shows signed-in content may be cached.
  if (out.length > 0 || isAuthenticated(state)) out.push(['cache-control', 'no-store']);
  return out;
}
