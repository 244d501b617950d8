import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { toTrustPredicate } from '../protect/proxy-trust.js';
import { CSRF_VARY, isUnsafeMethod } from '../protect/verify.js';
import type { RequestLike } from '../vocabulary/request.js';
import { failureAnswer, failureResponse, genericSessionFailure } from './error-body.js';
import { type AdapterOptions, requestLikeOf, toRequestLike } from './fetch-request.js';
import { withVary } from './vary.js';

export { type AdapterOptions, type FetchAdapterOptions, toRequestLike } from './fetch-request.js';

/**
 * Copies a response so headers can be added even when the original's headers are immutable.
 * `set-cookie` values are appended, every other header replaces the original's.
 *
 * @example
 * ```ts
 * import { withSessionHeaders } from 'custos/fetch';
 *
 * await session.commit();
 * return withSessionHeaders(await fetch(upstream), session.responseHeaders());
 * ```
 */
export function withSessionHeaders(response: Response, headers: ReadonlyArray<[string, string]>): Response {
  if (headers.length === 0) return response;
  const out = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  for (const [name, value] of headers) {
    if (name === 'set-cookie') out.headers.append(name, value);
    else out.headers.set(name, value);
  }
  return out;
}

/**
 * A custos error as its row of the failure table, or null for any other error (rethrow it).
 *
 * @example
 * ```ts
 * import { sessionErrorResponse } from 'custos/fetch';
 *
 * try {
 *   return await handle(request);
 * } catch (error) {
 *   const answer = sessionErrorResponse(error); // e.g. the generic 503 when the store is down
 *   if (answer) return answer;
 *   throw error;
 * }
 * ```
 */
export function sessionErrorResponse(error: unknown): Response | null {
  const answer = genericSessionFailure(error);
  return answer ? failureResponse(answer) : null;
}

/**
 * Wraps a Fetch-style handler (Next.js route handlers, Bun, Deno, Cloudflare-style workers):
 * the session is loaded before it runs and committed before the `Response` is returned.
 *
 * @example
 * export const GET = sessions(manager, async (request, session) => {
 *   session.set('visits', (session.get('visits') ?? 0) + 1);
 *   return Response.json({ visits: session.get('visits') });
 * });
 */
export function sessions<D extends object, A extends unknown[] = []>(
  manager: SessionManager<D>,
  handler: (request: Request, session: Session<D>, ...rest: A) => Response | Promise<Response>,
  options: AdapterOptions<A> = {},
): (request: Request, ...rest: A) => Promise<Response> {
  // Checks `trustedProxies` now, so a bad entry fails at startup rather than on a request.
  toTrustPredicate(options.trustedProxies);
  return async function sessionHandler(request: Request, ...rest: A): Promise<Response> {
    return respondWithSession(manager, requestLikeOf(request, rest, options), (session) =>
      handler(request, session, ...rest),
    );
  };
}

/**
 * One request of a `Request`/`Response` handler: load, run, commit, add the session's headers;
 * a session failure becomes its generic answer, anything else is the app's to handle.
 * Shared by `sessions` and custos/next's route handlers; use it when your runtime hands you a
 * request description rather than a `Request` (`sessions` covers the usual case).
 *
 * @example
 * const answer = await respondWithSession(manager, toRequestLike(request), async (session) => {
 *   session.set('visits', (session.get('visits') ?? 0) + 1);
 *   return new Response('ok');
 * });
 */
export async function respondWithSession<D extends object>(
  manager: SessionManager<D>,
  request: RequestLike,
  run: (session: Session<D>) => Response | Promise<Response>,
): Promise<Response> {
  try {
    const session = await manager.load(request);
    const response = await run(session);
    // A read inside the touch window writes nothing: no promise to wait for.
    if (session.needsCommit()) await session.commit();
    return withSessionHeaders(response, session.responseHeaders());
  } catch (error) {
    const answer = sessionErrorResponse(error);
    if (answer) return answer;
    throw error;
  }
}

/**
 * Lower-level form of `sessions`: load, then `finish(response)` commits and adds the headers.
 *
 * @example
 * ```ts
 * import { loadSession } from 'custos/fetch';
 *
 * const { session, finish } = await loadSession(manager, request);
 * session.set('lastPage', new URL(request.url).pathname);
 * return finish(new Response('ok'));
 * ```
 */
export async function loadSession<D extends object>(
  manager: SessionManager<D>,
  request: Request,
  options: AdapterOptions = {},
): Promise<{ session: Session<D>; finish(response: Response): Promise<Response> }> {
  const session = await manager.load(toRequestLike(request, options));
  return {
    session,
    async finish(response) {
      await session.commit();
      return withSessionHeaders(response, session.responseHeaders());
    },
  };
}

const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i;

/**
 * Puts the CSRF check (checklist CSRF-01..07) in front of a `sessions` handler: unsafe
 * methods need a same-origin signal and the session's token in the `x-csrf-token` header or the
 * `_csrf` form field (read from a clone, so the handler can still read the body). A refusal is a
 * generic 403 and the handler never runs; `Vary` names the headers the decision read (OPT-2),
 * refusal or not.
 *
 * @example
 * export const POST = sessions(manager, csrf(manager, async (request, session) => {
 *   session.set('saved', true);
 *   return new Response('saved');
 * }));
 */
export function csrf<D extends object, A extends unknown[] = []>(
  manager: SessionManager<D>,
  handler: (request: Request, session: Session<D>, ...rest: A) => Response | Promise<Response>,
  options: AdapterOptions<A> = {},
): (request: Request, session: Session<D>, ...rest: A) => Promise<Response> {
  const { field } = manager.options.protect;
  toTrustPredicate(options.trustedProxies);
  return async function csrfHandler(request: Request, session: Session<D>, ...rest: A): Promise<Response> {
    if (!isUnsafeMethod(request.method)) return handler(request, session, ...rest);
    let submitted: string | undefined;
    if (FORM.test(request.headers.get('content-type') ?? '')) {
      const value = await request
        .clone()
        .formData()
        .then((form) => form.get(field))
        .catch(() => null);
      if (typeof value === 'string') submitted = value;
    }
    const verdict = manager.verifyCsrf(requestLikeOf(request, rest, options), session, submitted);
    const response = verdict.ok
      ? await handler(request, session, ...rest)
      : failureResponse(failureAnswer(verdict.status));
    const out = new Response(response.body, response);
    out.headers.set('vary', withVary(response.headers.get('vary') ?? undefined, CSRF_VARY));
    return out;
  };
}

/**
 * The same function as `sessions` (its name before every adapter exported the same four).
 *
 * @example
 * ```ts
 * import { withSessions } from 'custos/fetch';
 *
 * export const GET = withSessions(manager, async (request, session) => Response.json({ user: session.userId }));
 * ```
 */
export const withSessions = sessions;

/**
 * The same function as `csrf` (its name before every adapter exported the same four).
 *
 * @example
 * ```ts
 * import { withCsrf, withSessions } from 'custos/fetch';
 *
 * export const POST = withSessions(manager, withCsrf(manager, async () => new Response('saved')));
 * ```
 */
export const withCsrf = csrf;

export { enforceHttps, jsonOnly } from './fetch-protect.js';
