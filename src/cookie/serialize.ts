import { CustosError } from '../errors.js';

export interface CookieAttributes {
  readonly path?: string;
  readonly domain?: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: 'Lax' | 'Strict';
  /** Seconds; omitted means a browser-session cookie (the default, checklist CK-06). */
  readonly maxAge?: number;
  /** An `Expires` date; without one, `Expires` is only sent (at the epoch) beside `Max-Age=0`. */
  readonly expires?: Date;
  /** CHIPS: the browser keeps the cookie per top-level site (draft-cutler-httpbis-partitioned-cookies). */
  readonly partitioned?: boolean;
  /** Chromium's eviction priority when a site holds too many cookies. */
  readonly priority?: 'Low' | 'Medium' | 'High';
}

/** The attributes as they are named on the wire, in the order a `Set-Cookie` line may list them. */
export type CookieAttributeName =
  | 'Path'
  | 'Domain'
  | 'Max-Age'
  | 'Expires'
  | 'Secure'
  | 'HttpOnly'
  | 'SameSite'
  | 'Partitioned'
  | 'Priority';

/** The order custos lists attributes in unless a cookie says otherwise. */
export const DEFAULT_ATTRIBUTE_ORDER: readonly CookieAttributeName[] = [
  'Path',
  'Domain',
  'Max-Age',
  'Expires',
  'Secure',
  'HttpOnly',
  'SameSite',
  'Partitioned',
  'Priority',
];

/**
 * One `Set-Cookie` as data: what the core and the adapters pass around, turned into a header line
 * only at the edge by `serializeSetCookie`, so nothing downstream has to parse a line back.
 */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: CookieAttributes;
  /**
   * The order of the attributes on the line (names not listed are not sent). Browsers ignore the
   * order; it is kept so that a layer re-shaping a cookie (the express-session entry lists the
   * lifetime first, as express-session does) sends the very bytes it always sent.
   */
  readonly order?: readonly CookieAttributeName[];
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

/** The `Max-Age` a cookie carries on the wire: whole seconds, between 0 and 400 days. */
export function maxAgeSeconds(maxAge: number): number {
  return Math.max(0, Math.min(MAX_COOKIE_AGE_SECONDS, Math.floor(maxAge)));
}

/** The one place a structured cookie becomes a `Set-Cookie` header value. */
export function serializeSetCookie(cookie: SetCookie): string {
  return serializeCookie(cookie.name, cookie.value, cookie.attributes, cookie.order);
}

/**
 * A `Set-Cookie` header value; refuses a value with characters a cookie cannot carry, or one
 * browsers would drop for its size (`COOKIE_TOO_LARGE`).
 *
 * @example
 * ```ts
 * import { serializeCookie } from 'custos/protect';
 *
 * serializeCookie('__Host-theme', 'dark', { secure: true, httpOnly: true, sameSite: 'Lax', maxAge: 3600 });
 * // '__Host-theme=dark; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax'
 * ```
 */
export function serializeCookie(
  name: string,
  value: string,
  attributes: CookieAttributes,
  order: readonly CookieAttributeName[] = DEFAULT_ATTRIBUTE_ORDER,
): string {
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
  const seconds = attributes.maxAge === undefined ? undefined : maxAgeSeconds(attributes.maxAge);
  const expires = attributes.expires?.toUTCString() ?? (seconds === 0 ? 'Thu, 01 Jan 1970 00:00:00 GMT' : undefined);
  let out = `${name}=${value}`;
  for (const attribute of order) {
    const part = attributePart(attribute, attributes, seconds, expires);
    if (part !== null) out += `; ${part}`;
  }
  return out;
}

function attributePart(
  attribute: CookieAttributeName,
  attributes: CookieAttributes,
  seconds: number | undefined,
  expires: string | undefined,
): string | null {
  switch (attribute) {
    case 'Path':
      return `Path=${attributes.path ?? '/'}`;
    case 'Domain':
      return attributes.domain === undefined ? null : `Domain=${attributes.domain}`;
    case 'Max-Age':
      return seconds === undefined ? null : `Max-Age=${seconds}`;
    case 'Expires':
      return expires === undefined ? null : `Expires=${expires}`;
    case 'Secure':
      return attributes.secure ? 'Secure' : null;
    case 'HttpOnly':
      return attributes.httpOnly ? 'HttpOnly' : null;
    case 'SameSite':
      return `SameSite=${attributes.sameSite}`;
    case 'Partitioned':
      return attributes.partitioned ? 'Partitioned' : null;
    case 'Priority':
      return attributes.priority === undefined ? null : `Priority=${attributes.priority}`;
  }
}

/** The clearing cookie: same name and scope, empty value, already expired (checklist CK-07). */
export function clearingCookie(name: string, attributes: Omit<CookieAttributes, 'maxAge' | 'expires'>): SetCookie {
  return { name, value: '', attributes: { ...attributes, maxAge: 0 } };
}

/** `clearingCookie` as a header value. */
export function serializeClearingCookie(
  name: string,
  attributes: Omit<CookieAttributes, 'maxAge' | 'expires'>,
): string {
  return serializeSetCookie(clearingCookie(name, attributes));
}
