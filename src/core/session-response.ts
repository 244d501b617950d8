import { type CookieAttributes, clearingCookie, type SetCookie, serializeSetCookie } from '../cookie/serialize.js';
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

/**
 * What a request's session sends back: its cookies as data, in the order they are sent, and the
 * other headers. Adapters serialize the cookies at their edge (`serializeSetCookie`).
 */
export interface SessionResponse {
  readonly cookies: readonly SetCookie[];
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** The cookies and other headers the response must carry. */
export function sessionResponse(state: SessionState): SessionResponse {
  const cookies: SetCookie[] = [];
  const headers: Array<[string, string]> = [];
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
    cookies.push({ name: cookie.name, value, attributes: { ...attributes, maxAge } });
  } else if (action === 'clear') {
    cookies.push(clearingCookie(cookie.name, attributes));
    if (state.destroyed && clearSiteData) headers.push(['clear-site-data', clearSiteData]);
  }
  if (state.preSession?.cookie) cookies.push(state.preSession.cookie);
  // Checklist CK-08: nothing that sets the cookie or shows signed-in content may be cached.
  if (cookies.length > 0 || isAuthenticated(state)) headers.push(['cache-control', 'no-store']);
  return { cookies, headers };
}

/**
 * `sessionResponse` as header pairs, `Set-Cookie` lines first. Validation of a cookie value (size,
 * characters) happens here, as before, when the line is built.
 */
export function responseHeaders(response: SessionResponse): Array<[string, string]> {
  return [
    ...response.cookies.map((cookie): [string, string] => ['set-cookie', serializeSetCookie(cookie)]),
    ...response.headers.map(([name, value]): [string, string] => [name, value]),
  ];
}
