import { DEFAULT_ATTRIBUTE_ORDER, maxAgeSeconds, type SetCookie, serializeSetCookie } from '../cookie/serialize.js';
import { INTERNAL } from '../core/internal-fields.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { CustosError } from '../errors.js';
import type { RequestLike } from '../vocabulary/request.js';
import { warnOnce } from '../vocabulary/warn-once.js';
import { respondWithSession } from './fetch.js';

/** What `await headers()` from `next/headers` gives (typed by shape: custos does not import next). */
export interface NextHeaders {
  get(name: string): string | null;
}

/** What `await cookies()` from `next/headers` gives inside a Server Action or route handler. */
export interface NextCookieJar {
  set(name: string, value: string, options?: NextCookieOptions): unknown;
}

export interface NextCookieOptions {
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

export interface NextSessionOptions {
  /**
   * Whether clients reach this app over HTTPS (directly, or through the TLS-terminating proxy in
   * front of it). Next gives server components and Server Actions no peer address, so custos
   * cannot tell which proxy set `X-Forwarded-Proto` and never believes that header here.
   * @default false: over plain HTTP only localhost/loopback hosts get a session (checklist TLS-03)
   */
  secure?: boolean;
}

/**
 * The core's view of the request a server component, Server Action or route handler runs for.
 *
 * @example
 * ```ts
 * import { headers } from 'next/headers';
 * import { requestFromHeaders } from 'custos/next';
 *
 * const request = requestFromHeaders(await headers(), 'GET', { secure: process.env.NODE_ENV === 'production' });
 * const session = await manager.load(request); // what readSession does
 * ```
 */
export function requestFromHeaders(
  headers: NextHeaders,
  method: string,
  options: NextSessionOptions = {},
): RequestLike {
  return describeRequest(headers, method, headers.get('host'), options);
}

function describeRequest(
  headers: NextHeaders,
  method: string,
  host: string | null,
  options: NextSessionOptions,
): RequestLike {
  const secure = options.secure ?? false;
  if (!secure) noteForwardedHttps(headers.get('x-forwarded-proto'));
  // No Host at all (HTTP/1.1 requires one) must not count as localhost: `.invalid` never is (RFC 6761).
  return { method, url: `${secure ? 'https' : 'http'}://${host ?? 'host.invalid'}/`, headers, secure };
}

function noteForwardedHttps(proto: string | null): void {
  if (!proto?.toLowerCase().includes('https')) return;
  warnOnce(
    'custos-next-forwarded-https',
    'custos/next: X-Forwarded-Proto says https but { secure: true } was not passed, so requests count as plain HTTP and no session cookie is set or accepted (except on localhost). Behind a TLS-terminating proxy, pass { secure: true } to readSession, sessionAction and withSessions; Next gives server code no peer address, so custos cannot check who set that header.',
  );
}

/**
 * A route handler (`app/.../route.ts`) with the session: loaded before it runs, committed
 * before the `Response` is returned, cookie and headers added to it. As `withSessions` from
 * `custos/fetch`, with `secure` in place of a peer address Next does not give.
 *
 * @example
 * export const POST = withSessions(manager, async (request, session) => {
 *   session.set('visits', (session.get('visits') ?? 0) + 1);
 *   return Response.json({ visits: session.get('visits') });
 * });
 */
export function withSessions<D extends object, A extends unknown[] = []>(
  manager: SessionManager<D>,
  handler: (request: Request, session: Session<D>, ...rest: A) => Response | Promise<Response>,
  options: NextSessionOptions = {},
): (request: Request, ...rest: A) => Promise<Response> {
  return async function nextRouteHandler(request: Request, ...rest: A): Promise<Response> {
    const host = request.headers.get('host') ?? new URL(request.url).host;
    return respondWithSession(manager, describeRequest(request.headers, request.method, host, options), (session) =>
      handler(request, session, ...rest),
    );
  };
}

/**
 * The session for a server component: read only. A server component cannot set cookies, so this
 * never commits: nothing rotates, and the idle deadline moves only when a route handler or Server
 * Action touching the session commits (an expired session is still refused, and its record
 * deleted, on every read).
 *
 * @example
 * const session = await readSession(manager, await headers());
 * return <p>{session.userId ?? 'signed out'}</p>;
 */
export function readSession<D extends object>(
  manager: SessionManager<D>,
  headers: NextHeaders,
  options: NextSessionOptions = {},
): Promise<Session<D>> {
  return manager.load(requestFromHeaders(headers, 'GET', options));
}

/**
 * A CSRF token a server component can put in a form without writing anything, or null when none
 * exists yet: the session's own token once it has one (every `sessionAction` makes sure it does),
 * else, before login, the pre-session token when the visitor cookie it is bound to is already
 * there. On null, take the token from a route handler (`manager.csrfToken(session)` in
 * `withSessions`), which can set that cookie.
 *
 * @example
 * ```ts
 * import { headers } from 'next/headers';
 * import { readCsrfToken, readSession } from 'custos/next';
 *
 * const requestHeaders = await headers();
 * const session = await readSession(manager, requestHeaders);
 * const csrfToken = readCsrfToken(manager, session, requestHeaders); // the form's hidden `_csrf` field
 * ```
 */
export function readCsrfToken<D extends object>(
  manager: SessionManager<D>,
  session: Session<D>,
  headers: NextHeaders,
  options: NextSessionOptions = {},
): string | null {
  if (typeof session.internalGet(INTERNAL.csrf) === 'string') return manager.csrfToken(session);
  // Checklist CSRF-03: once a user is attached only the session-bound token counts.
  if (session.userId !== null) return null;
  const preSession = manager.preSessionCsrf(requestFromHeaders(headers, 'GET', options));
  return preSession.setCookie === null ? preSession.token : null;
}

export interface ActionContext extends NextSessionOptions {
  headers: NextHeaders;
  cookies: NextCookieJar;
  /**
   * The form the action received, for custos's CSRF check (its `_csrf` field, or the configured
   * field name). Omit it to rely on Next's own Origin check alone.
   */
  form?: { get(name: string): unknown };
}

/**
 * Runs a Server Action with the session: loaded before `work`, committed after it, and the cookie
 * written with `cookies().set` (the only way a Server Action sets one). With `form`, the request
 * must also pass custos's CSRF check (same-origin signal and session token), on top of the Origin
 * check Next applies to every Server Action.
 *
 * @example
 * 'use server';
 * export async function login(form: FormData) {
 *   await sessionAction(manager, { headers: await headers(), cookies: await cookies(), form }, (session) =>
 *     session.login(String(form.get('user'))),
 *   );
 * }
 */
export async function sessionAction<D extends object, T>(
  manager: SessionManager<D>,
  context: ActionContext,
  work: (session: Session<D>) => T | Promise<T>,
): Promise<T> {
  const request = requestFromHeaders(context.headers, 'POST', context);
  const session = await manager.load(request);
  if (context.form) {
    const field = context.form.get(manager.options.protect.field);
    const verdict = manager.verifyCsrf(request, session, typeof field === 'string' ? field : undefined);
    if (!verdict.ok) throw new CustosError('CSRF_REJECTED', 'this form did not come from this site; reload and retry');
  }
  const result = await work(session);
  // Server components render forms but cannot store a new CSRF secret: make sure one exists now.
  if (session.handle !== null && !session.isDestroyed) manager.csrfToken(session);
  await session.commit();
  // Cache-Control and Clear-Site-Data cannot be set from a Server Action; Next already sends
  // `no-store` on action responses.
  for (const cookie of session.response().cookies) setNextCookie(context.cookies, cookie);
  return result;
}

/** Sets one of custos's cookies through Next's cookie jar, attribute for attribute. */
function setNextCookie(jar: NextCookieJar, cookie: SetCookie): void {
  // Validates the value (size, characters) as a `Set-Cookie` line would.
  serializeSetCookie(cookie);
  const { attributes } = cookie;
  const seconds = attributes.maxAge === undefined ? undefined : maxAgeSeconds(attributes.maxAge);
  const options: NextCookieOptions = {};
  for (const attribute of cookie.order ?? DEFAULT_ATTRIBUTE_ORDER) {
    if (attribute === 'Path') options.path = attributes.path ?? '/';
    else if (attribute === 'Domain' && attributes.domain !== undefined) options.domain = attributes.domain;
    else if (attribute === 'Max-Age' && seconds !== undefined) options.maxAge = seconds;
    else if (attribute === 'Expires' && (attributes.expires !== undefined || seconds === 0)) {
      options.expires = new Date((attributes.expires ?? new Date(0)).toUTCString()); // whole seconds, as sent
    } else if (attribute === 'HttpOnly' && attributes.httpOnly) options.httpOnly = true;
    else if (attribute === 'Secure' && attributes.secure) options.secure = true;
    else if (attribute === 'SameSite') options.sameSite = attributes.sameSite === 'Strict' ? 'strict' : 'lax';
  }
  // custos's values are base64url and dots, which Next's encodeURIComponent leaves as they are.
  jar.set(cookie.name, decodeURIComponent(cookie.value), options);
}

/**
 * Replays a `Set-Cookie` value through Next's cookie jar.
 *
 * @example
 * ```ts
 * import { cookies } from 'next/headers';
 * import { setCookieHeader } from 'custos/next';
 *
 * const jar = await cookies();
 * for (const [name, value] of session.responseHeaders()) if (name === 'set-cookie') setCookieHeader(jar, value);
 * ```
 */
export function setCookieHeader(jar: NextCookieJar, header: string): void {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const options: NextCookieOptions = {};
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.toLowerCase();
    const value = rest.join('=');
    if (key === 'path') options.path = value;
    else if (key === 'domain') options.domain = value;
    else if (key === 'max-age') options.maxAge = Number(value);
    else if (key === 'expires') options.expires = new Date(value);
    else if (key === 'httponly') options.httpOnly = true;
    else if (key === 'secure') options.secure = true;
    else if (key === 'samesite') options.sameSite = value.toLowerCase() as NextCookieOptions['sameSite'];
  }
  // custos's values are base64url and dots, which Next's encodeURIComponent leaves as they are.
  jar.set(pair.slice(0, equals), decodeURIComponent(pair.slice(equals + 1)), options);
}
