import type { Context, MiddlewareHandler } from 'hono';
import type { SessionData } from '../core/data.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { CustosError } from '../errors.js';
import { toTrustPredicate } from '../protect/proxy-trust.js';
import { CSRF_VARY, isUnsafeMethod } from '../protect/verify.js';
import { commitAfterRoute, failureAnswer } from './error-body.js';
import { sessionErrorResponse, withSessionHeaders } from './fetch.js';
import { failureBody } from './hono-failure.js';
import { type AdapterOptions, toRequestLike } from './hono-request.js';

/** Hono env for apps using custos: `c.get('session')` is typed by your data shape. */
export interface SessionEnv<D extends object = SessionData> {
  Variables: {
    session: Session<D>;
    /**
     * Set by `csrf()`: the token for your forms. A function, because Hono variables hold values
     * and a token has a cost (a session secret, or a visitor cookie) a page without a form
     * should not pay.
     */
    csrfToken?: () => string;
  };
}

const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i;

/** Adds the session headers to `c.res`, copying it first if its headers are immutable. */
function applyHeaders(c: Context, headers: ReadonlyArray<[string, string]>): void {
  try {
    for (const [name, value] of headers) {
      if (name === 'set-cookie') c.res.headers.append(name, value);
      else c.res.headers.set(name, value);
    }
  } catch {
    const copy = withSessionHeaders(c.res, headers);
    // Clear first: Hono's `res` setter would merge the old Set-Cookie list over ours.
    c.res = undefined;
    c.res = copy;
  }
}

/**
 * Hono 4 middleware, for `@hono/node-server` and pure Fetch runtimes alike: `c.get('session')`
 * in your handlers, the store write done before the response leaves, custos errors (store
 * down, `requireFreshAuth`) answered with a generic 503/401/403.
 *
 * @example
 * const manager = createSessions<{ visits: number }>({ secrets: [process.env.SESSION_SECRET!] });
 * const app = new Hono<SessionEnv<{ visits: number }>>();
 * app.use(sessions(manager));
 * app.get('/', (c) => c.json({ visits: c.get('session').get('visits') ?? 0 }));
 */
export function sessions<D extends object = SessionData>(
  manager: SessionManager<D>,
  options: AdapterOptions = {},
): MiddlewareHandler<SessionEnv<D>> {
  // Checks `trustedProxies` now, so a bad entry fails at startup rather than on a request.
  toTrustPredicate(options.trustedProxies);
  return async function custosSession(c, next) {
    let session: Session<D>;
    try {
      session = await manager.load(toRequestLike(c, options));
    } catch (error) {
      const answer = sessionErrorResponse(error);
      if (answer) return answer;
      throw error;
    }
    c.set('session', session);
    await next();
    const routeFailure = c.error instanceof CustosError ? c.error : undefined;
    // A read inside the touch window writes nothing: no promise to wait for.
    const failure = session.needsCommit() ? await commitAfterRoute(session, routeFailure) : routeFailure;
    const answer = sessionErrorResponse(failure);
    if (answer) {
      c.res = undefined;
      c.res = answer;
      return;
    }
    applyHeaders(c, session.responseHeaders());
  };
}

/**
 * CSRF middleware for the routes that change state: refuses cross-site and tokenless unsafe
 * requests with a generic 403. The token comes from the `_csrf` form field or the
 * `x-csrf-token` header; get one for your pages with `c.get('csrfToken')?.()` (or
 * `manager.csrfToken(c.get('session'))`).
 *
 * @example
 * ```ts
 * import { csrf, sessions } from 'custos/hono';
 *
 * app.use(sessions(manager));
 * app.use(csrf(manager));
 * app.get('/form', (c) => c.html(`<input type="hidden" name="_csrf" value="${c.get('csrfToken')?.()}">`));
 * ```
 */
export function csrf<D extends object = SessionData>(
  manager: SessionManager<D>,
  options: AdapterOptions = {},
): MiddlewareHandler<SessionEnv<D>> {
  const { field } = manager.options.protect;
  toTrustPredicate(options.trustedProxies);
  return async function custosCsrf(c, next) {
    let submitted: string | undefined;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && FORM.test(c.req.header('content-type') ?? '')) {
      // Hono caches the parsed body, so the route can still read it.
      const value = (await c.req.parseBody())[field];
      if (typeof value === 'string') submitted = value;
    }
    // Checklist OPT-2: the decision below depends on these headers, refusal or not.
    if (isUnsafeMethod(c.req.method)) c.header('vary', CSRF_VARY, { append: true });
    const verdict = manager.verifyCsrf(toRequestLike(c, options), c.get('session'), submitted);
    if (!verdict.ok) return failureBody(c, failureAnswer(verdict.status));
    const session = c.get('session');
    c.set('csrfToken', () => manager.csrfToken(session));
    await next();
  };
}

export { enforceHttps, jsonOnly } from './hono-protect.js';
export { type AdapterOptions, type HonoAdapterOptions, toRequestLike } from './hono-request.js';
