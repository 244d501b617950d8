import type { IncomingMessage } from 'node:http';
import { type CookieAttributeName, DEFAULT_ATTRIBUTE_ORDER, type SetCookie } from '../../cookie/serialize.js';
import { CustosError } from '../../errors.js';
import { assertHttpOnly, type CompatSettings, resolveMaxAge, resolveSameSite } from './options.js';

/**
 * This request's settings when `cookie` is a function of the request (express-session 1.18+):
 * its `path`, `domain`, `sameSite` and `maxAge` apply to this request, checked by the same rules
 * as the static option (httpOnly false, SameSite=None and a fixed `expires` are refused). The
 * server-side idle and absolute timeouts stay those of the middleware, as for a per-session
 * `req.session.cookie.maxAge`. `secure` is not taken from it: the cookie stays `Secure` (a
 * per-request `secure: req.secure || false` is `'auto'` under another name, and an attacker
 * chooses when a request looks like plain HTTP).
 */
export function settingsForRequest(settings: CompatSettings, req: IncomingMessage): CompatSettings {
  if (settings.cookieFor === null) return settings;
  const cookie = settings.cookieFor(req);
  if (typeof cookie !== 'object' || cookie === null) {
    throw new CustosError(
      'INVALID_COOKIE_OPTION',
      'the cookie option function must return an object of cookie settings.',
    );
  }
  assertHttpOnly(cookie);
  const path = cookie.path ?? '/';
  // Attribute values go into the Set-Cookie line as they are: no separator or control character
  // may end the attribute and start another (RFC 6265 §4.1.1).
  for (const value of [path, cookie.domain]) {
    if (value !== undefined && (typeof value !== 'string' || !isAttributeValue(value))) {
      throw new CustosError(
        'INVALID_COOKIE_OPTION',
        'the cookie option function gave a path or domain that is not a cookie attribute value.',
      );
    }
  }
  if (/^__Host-/.test(settings.cookieName) && (path !== '/' || cookie.domain !== undefined)) {
    throw new CustosError(
      'INVALID_COOKIE_OPTION',
      `the cookie option function gave a path or domain for ${JSON.stringify(settings.cookieName)}: browsers drop __Host- cookies with either. Use a __Secure- name.`,
    );
  }
  return {
    ...settings,
    maxAge: resolveMaxAge(cookie),
    sameSite: resolveSameSite(cookie.sameSite),
    path,
    domain: cookie.domain,
  };
}

/** RFC 6265 §4.1.1 path-value / domain: no `;`, no control character. */
function isAttributeValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x3b) return false;
  }
  return true;
}

/**
 * The session cookie's `Path`, `Domain` and `SameSite`, as this request's settings give them;
 * listed after the other attributes, where this entry has always put them.
 */
export function withRequestAttributes(cookie: SetCookie, settings: CompatSettings): SetCookie {
  if (settings.cookieFor === null || cookie.name !== settings.cookieName) return cookie;
  const order = (cookie.order ?? DEFAULT_ATTRIBUTE_ORDER).filter((name) => !REQUEST_SCOPED.includes(name));
  return {
    ...cookie,
    attributes: {
      ...cookie.attributes,
      path: settings.path,
      domain: settings.domain,
      sameSite: settings.sameSite === 'strict' ? 'Strict' : 'Lax',
    },
    order: [...order, ...REQUEST_SCOPED],
  };
}

const REQUEST_SCOPED: readonly CookieAttributeName[] = ['Path', 'Domain', 'SameSite'];
