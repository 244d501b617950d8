import type { NextFunction, Request, Response } from 'express';
import type { SessionData } from '../core/data.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { CustosError } from '../errors.js';
import { CSRF_VARY, isUnsafeMethod } from '../protect/verify.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { failureAnswer } from './error-body.js';
import { attachThroughPrototypes } from './express-hooks.js';
import { commitOnEnd, sendFailure, sendSessionError, startupTrust, toRequestLike } from './node-shared.js';
import { exposeCsrfToken } from './view-token.js';

// Re-exported so the declarations load the file that declares `req.session` (an augmentation alone does not).
export type { ExpressRequestSession } from './express-request.js';
export { type EnforceHttpsOptions, enforceHttps, jsonOnly } from './node-protect.js';

declare module './express-request.js' {
  interface ExpressRequestSessions {
    /** `req.session`: the custos session for this request (typed by `SessionData` declaration merging). */
    native: Session<SessionData>;
  }
}

/** Options of `sessions` and `csrf`: the same shape on every adapter, with Express's `req`. */
export interface AdapterOptions extends AdapterOptionsFor<Request> {
  /**
   * (`sessions` only.)
   * When loading the session fails (`STORE_UNAVAILABLE`), call `next(error)` with the
   * `CustosError` so your error handler renders the answer (your own 503 page, `Retry-After`…)
   * instead of the built-in plain-text "Service unavailable". `req.session` is not set then.
   * Show only a generic message: the error's cause may name the store. (A failure of the final
   * write, after your route has answered, still becomes the built-in 503.) @default false
   */
  passErrors?: boolean;
}

/** @deprecated Use `AdapterOptions`, the one options type of every adapter. */
export type ExpressSessionsOptions = AdapterOptions;

/**
 * Express 4/5 middleware: `req.session` before your routes, the store write done before the
 * response ends, a generic 503 when the store is down (or `next(error)` with `passErrors`).
 *
 * @example
 * app.use(sessions(createSessions({ secrets: [process.env.SECRET!] })));
 */
export function sessions<D extends object = SessionData>(manager: SessionManager<D>, options: AdapterOptions = {}) {
  const passErrors = options.passErrors === true;
  // Unset: each request follows its app's `trust proxy` (see toRequestLike).
  const trust = startupTrust(options.trustedProxies);
  return function custosSession(req: Request, res: Response, next: NextFunction): void {
    manager.load(toRequestLike(req, trust, options.remoteAddress?.(req))).then(
      (session) => {
        if (!attachThroughPrototypes(req, res, session)) {
          commitOnEnd(res, session);
          (req as { session: unknown }).session = session;
        }
        next();
      },
      (error: unknown) => {
        if (passErrors || !sendSessionError(res, error)) next(error);
      },
    );
  };
}

/**
 * Error middleware that turns custos errors thrown by your routes (`REAUTH_REQUIRED`,
 * `NOT_AUTHENTICATED`, `STORE_UNAVAILABLE`, ...) into a generic answer with the right status.
 *
 * @example
 * ```ts
 * import { sessionErrors, sessions } from 'custos/express';
 *
 * app.use(sessions(manager));
 * app.post('/account/delete', (req, res) => { req.session.requireFreshAuth(); res.sendStatus(204); });
 * app.use(sessionErrors()); // after the routes: REAUTH_REQUIRED becomes a 403
 * ```
 */
export function sessionErrors() {
  return function custosErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
    if (error instanceof CustosError && sendSessionError(res, error)) return;
    next(error);
  };
}

/**
 * CSRF middleware: place it after your body parser. Unsafe methods need a same-origin signal
 * and the session's token in the `_csrf` form field or the `x-csrf-token` header; failures get
 * a generic 403 and change nothing. Put `res.locals.csrfToken` into your forms.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { csrf, sessions } from 'custos/express';
 *
 * app.use(sessions(manager));
 * app.use(express.urlencoded({ extended: false }));
 * app.use(csrf(manager)); // forms post `_csrf` with res.locals.csrfToken
 * ```
 */
export function csrf<D extends object = SessionData>(manager: SessionManager<D>, options: AdapterOptions = {}) {
  const field = manager.options.protect.field;
  const trust = startupTrust(options.trustedProxies);
  return function custosCsrf(req: Request, res: Response, next: NextFunction): void {
    const session = req.session as unknown as Session<D>;
    const body = req.body as Record<string, unknown> | undefined;
    const submitted = typeof body?.[field] === 'string' ? (body[field] as string) : undefined;
    const request = toRequestLike(req, trust, options.remoteAddress?.(req));
    // Checklist OPT-2: the decision below depends on these headers.
    if (isUnsafeMethod(request.method)) res.vary(CSRF_VARY);
    const verdict = manager.verifyCsrf(request, session, submitted);
    if (!verdict.ok) {
      sendFailure(res, failureAnswer(verdict.status));
      return;
    }
    // Without a session (e.g. the login form) this is the pre-session token: no session is created.
    exposeCsrfToken(res, 'locals', () => manager.csrfToken(session));
    next();
  };
}
