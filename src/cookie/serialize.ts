import { CustosError } from '../errors.js';

export interface CookieAttributes {
  readonly path?: string;
  readonly domain?: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: 'Lax' | 'Strict';
  /** Seconds; omitted means a browser-session cookie (the default, checklist CK-06). */
  readonly maxAge?: number;
}

/** 6265bis caps Expires/Max-Age at 400 days. */
export const MAX_COOKIE_AGE_SECONDS = 400 * 24 * 3600;
/** 6265bis: user agents ignore a cookie whose name plus value exceeds 4096 octets. */
export const MAX_COOKIE_BYTES = 4096;

const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE_CHARS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** Checks the prefix rules once, at configuration time (checklist CK-04). */
export function assertCookieRules(name: string, attributes: Omit<CookieAttributes, 'maxAge'>): void {
  if (!TOKEN_CHARS.test(name)) {
    throw new CustosError(
      'INVALID_COOKIE_OPTION',
      `cookie name ${JSON.stringify(name)} has characters a cookie name cannot have.`,
    );
  }
  if (name.startsWith('__Host-')) {
    if (!attributes.secure || attributes.domain !== undefined || (attributes.path ?? '/') !== '/') {
      throw new CustosError(
        'INVALID_COOKIE_OPTION',
        `a __Host- cookie must be Secure with Path=/ and no Domain, or browsers drop it. Remove the domain/path option, or rename the cookie to __Secure-… to share it across subdomains.`,
      );
    }
  }
  if (name.startsWith('__Secure-') && !attributes.secure) {
    throw new CustosError('INVALID_COOKIE_OPTION', 'a __Secure- cookie must be Secure; set cookie.secure to true.');
  }
  if (attributes.domain !== undefined && !/^[A-Za-z0-9.-]+$/.test(attributes.domain)) {
    throw new CustosError('INVALID_COOKIE_OPTION', 'cookie.domain must be a plain host name.');
  }
  if (attributes.path !== undefined && !/^\/[\x21-\x3A\x3C-\x7E]*$/.test(attributes.path)) {
    throw new CustosError('INVALID_COOKIE_OPTION', "cookie.path must start with '/' and contain no ';' or spaces.");
  }
}

export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!VALUE_CHARS.test(value)) {
    throw new CustosError(
      'INVALID_COOKIE_OPTION',
      'a cookie value may not contain spaces, quotes, commas, semicolons or backslashes.',
    );
  }
  if (Buffer.byteLength(name) + Buffer.byteLength(value) > MAX_COOKIE_BYTES) {
    throw new CustosError(
      'COOKIE_TOO_LARGE',
      `cookie ${name} would be over ${MAX_COOKIE_BYTES} bytes and browsers would drop it; keep less data in a cookie session or use a server-side store.`,
    );
  }
  let out = `${name}=${value}; Path=${attributes.path ?? '/'}`;
  if (attributes.domain !== undefined) out += `; Domain=${attributes.domain}`;
  if (attributes.maxAge !== undefined) {
    const seconds = Math.max(0, Math.min(MAX_COOKIE_AGE_SECONDS, Math.floor(attributes.maxAge)));
    out += `; Max-Age=${seconds}`;
    if (seconds === 0) out += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  if (attributes.secure) out += '; Secure';
  if (attributes.httpOnly) out += '; HttpOnly';
  out += `; SameSite=${attributes.sameSite}`;
  return out;
}

/** The clearing cookie: same name and scope, empty value, already expired (checklist CK-07). */
export function serializeClearingCookie(name: string, attributes: Omit<CookieAttributes, 'maxAge'>): string {
  return serializeCookie(name, '', { ...attributes, maxAge: 0 });
}
