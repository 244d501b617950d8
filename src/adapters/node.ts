import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { CSRF_VARY, isUnsafeMethod } from '../protect/verify.js';
import type { AdapterOptionsFor } from './adapter-options.js';
import { failureAnswer } from './error-body.js';
import { commitOnEnd, sendFailure, sendSessionError, startupTrust, toRequestLike } from './node-shared.js';
import { withVary } from './vary.js';
import { exposeCsrfToken } from './view-token.js';

export { type EnforceHttpsOptions, enforceHttps, jsonOnly } from './node-protect.js';

export { attachSession, type NodeAdapterOptions, toRequestLike } from './node-shared.js';

/** Options of `sessions` and `csrf`: the same shape on every adapter, with node:http's `req`. */
export type AdapterOptions = AdapterOptionsFor<IncomingMessage>;

export type NodeSessionHandler<D extends object> = (
  req: IncomingMessage & { session: Session<D> },
  res: ServerResponse,
) => void | Promise<void>;

/**
 * Wraps a plain `node:http` handler: `req.session` is ready before it runs, the store write
 * finishes before the response does, and session failures become a generic 503/401/403.
 *
 * @example
 * const manager = createSessions({ secrets: [process.env.SECRET!], store: sqliteStore({ path: 'sessions.db' }) });
 * http.createServer(sessions(manager, async (req, res) => {
 *   req.session.set('visits', (req.session.get('visits') ?? 0) + 1);
 *   res.end(`visits: ${req.session.get('visits')}`);
 * })).listen(3000);
 */
export function sessions<D extends object>(
  manager: SessionManager<D>,
  handler: NodeSessionHandler<D>,
  options: AdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const trust = startupTrust(options.trustedProxies);
  return function sessionHandler(req, res) {
    manager
      .load(toRequestLike(req, trust, options.remoteAddress?.(req)))
      .then(async (session) => {
        commitOnEnd(res, session);
        const withSession = req as IncomingMessage & { session: Session<D> };
        withSession.session = session;
        await handler(withSession, res);
      })
      .catch((error: unknown) => {
        if (sendSessionError(res, error)) return;
        if (!res.headersSent) {
          sendFailure(res, failureAnswer(500));
        } else {
          res.destroy();
        }
      });
  };
}

/**
 * Puts the CSRF check (checklist CSRF-01..07) in front of a `withSessions` handler: unsafe
 * methods need a same-origin signal and the session's token in the `x-csrf-token` header (or
 * the `_csrf` field, when a body parser has set `req.body`). A refusal is a generic 403 and the
 * handler never runs; `Vary` names the headers the decision read (OPT-2), refusal or not.
 * `res.locals.csrfToken` holds the token for the page, as in Express (pre-session for a visitor
 * without a session: showing a form creates none).
 *
 * @example
 * http.createServer(sessions(manager, csrf(manager, async (req, res) => {
 *   req.session.set('saved', true);
 *   res.end('saved');
 * })));
 */
export function csrf<D extends object>(
  manager: SessionManager<D>,
  handler: NodeSessionHandler<D>,
  options: AdapterOptions = {},
): NodeSessionHandler<D> {
  const { field } = manager.options.protect;
  const trust = startupTrust(options.trustedProxies);
  return function csrfHandler(req, res) {
    const request = toRequestLike(req, trust, options.remoteAddress?.(req));
    if (isUnsafeMethod(request.method)) res.setHeader('vary', withVary(res.getHeader('vary'), CSRF_VARY));
    const body = (req as { body?: unknown }).body;
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    const verdict = manager.verifyCsrf(request, req.session, typeof value === 'string' ? value : undefined);
    if (verdict.ok) {
      exposeCsrfToken(res, 'locals', () => manager.csrfToken(req.session));
      return handler(req, res);
    }
    sendFailure(res, failureAnswer(verdict.status));
  };
}

/**
 * The same function as `sessions` (its name before every adapter exported the same four).
 *
 * @example
 * ```ts
 * import { withSessions } from 'custos/node';
 *
 * http.createServer(withSessions(manager, async (req, res) => {
 *   res.end(req.session.userId ?? 'guest');
 * }));
 * ```
 */
export const withSessions = sessions;

/**
 * The same function as `csrf` (its name before every adapter exported the same four).
 *
 * @example
 * ```ts
 * import { withCsrf, withSessions } from 'custos/node';
 *
 * http.createServer(withSessions(manager, withCsrf(manager, async (req, res) => {
 *   res.end('saved');
 * })));
 * ```
 */
export const withCsrf = csrf;
