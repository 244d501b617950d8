import type { Context, Middleware, Next } from 'koa';
import type { SessionData } from '../core/data.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { CustosError } from '../errors.js';
import { CSRF_VARY, isUnsafeMethod } from '../protect/verify.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { commitAfterRoute, failureAnswer, genericSessionFailure } from './error-body.js';
import { respondWithFailure } from './koa-failure.js';
import { koaTrust, startupTrust, toRequestLike } from './node-shared.js';
import { exposeCsrfToken } from './view-token.js';

/** Options of `sessions` and `csrf`: the same shape on every adapter, with Koa's `ctx`. */
export type AdapterOptions = AdapterOptionsFor<Context>;

/** @deprecated Use `AdapterOptions`, the one options type of every adapter. */
export type KoaAdapterOptions = AdapterOptions;

declare module 'koa' {
  interface DefaultContext {
    /** The custos session for this request (typed by `SessionData` declaration merging). */
    session: Session<SessionData>;
  }
}

/**
 * Koa 3 middleware: `ctx.session` downstream; after `await next()` the store write is done and
 * the cookie set before Koa sends the response; custos errors (store down, `requireFreshAuth`)
 * become a generic 503/401/403.
 *
 * @example
 * const manager = createSessions({ secrets: [process.env.SESSION_SECRET!] });
 * app.use(sessions(manager));
 * app.use((ctx) => { ctx.body = { visits: ctx.session.get('visits') }; });
 */
export function sessions<D extends object = SessionData>(
  manager: SessionManager<D>,
  options: AdapterOptions = {},
): Middleware {
  // Unset: Koa's own `app.proxy` / `app.maxIpsCount` decide.
  const trust = startupTrust(options.trustedProxies);
  return async function custosSession(ctx: Context, next: Next): Promise<void> {
    let session: Session<D>;
    try {
      session = await manager.load(toRequestLike(ctx.req, trust ?? koaTrust(ctx.app), options.remoteAddress?.(ctx)));
    } catch (error) {
      const failure = genericSessionFailure(error);
      if (!failure) throw error;
      return respondWithFailure(ctx, failure);
    }
    ctx.session = session as unknown as Session<SessionData>;
    let failure: unknown;
    try {
      await next();
    } catch (error) {
      if (!(error instanceof CustosError)) throw error;
      failure = error;
    }
    // A read inside the touch window writes nothing: no promise to wait for.
    const generic = genericSessionFailure(session.needsCommit() ? await commitAfterRoute(session, failure) : failure);
    if (generic) return respondWithFailure(ctx, generic);
    for (const [name, value] of session.responseHeaders()) {
      if (name === 'set-cookie') ctx.append(name, value);
      else ctx.set(name, value);
    }
  };
}

/**
 * CSRF middleware (after your body parser, on the routes that change state): refuses
 * cross-site and tokenless unsafe requests with a generic 403. The token goes in the `_csrf`
 * body field or the `x-csrf-token` header; `ctx.state.csrfToken` holds one for your forms.
 *
 * @example
 * ```ts
 * import bodyParser from 'koa-bodyparser';
 * import { csrf, sessions } from 'custos/koa';
 *
 * app.use(sessions(manager));
 * app.use(bodyParser());
 * app.use(csrf(manager)); // forms post `_csrf` with ctx.state.csrfToken
 * ```
 */
export function csrf<D extends object = SessionData>(
  manager: SessionManager<D>,
  options: AdapterOptions = {},
): Middleware {
  const { field } = manager.options.protect;
  const trust = startupTrust(options.trustedProxies);
  return async function custosCsrf(ctx: Context, next: Next): Promise<void> {
    const session = ctx.session as unknown as Session<D>;
    const body = (ctx.request as { body?: unknown }).body;
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    // Checklist OPT-2: the decision below depends on these headers, refusal or not.
    if (isUnsafeMethod(ctx.method)) ctx.vary(CSRF_VARY);
    const verdict = manager.verifyCsrf(
      toRequestLike(ctx.req, trust ?? koaTrust(ctx.app), options.remoteAddress?.(ctx)),
      session,
      typeof value === 'string' ? value : undefined,
    );
    if (!verdict.ok) return respondWithFailure(ctx, failureAnswer(verdict.status));
    exposeCsrfToken(ctx, 'state', () => manager.csrfToken(session));
    await next();
  };
}

export { enforceHttps, jsonOnly } from './koa-protect.js';
