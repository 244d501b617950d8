import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { readCookie } from '../../cookie/parse.js';
import { createSessions, type SessionManager } from '../../core/manager.js';
import { headerValue, type RequestLike } from '../../core/request.js';
import { commitOnEnd, sendSessionError, toRequestLike } from '../node-shared.js';
import { MemoryStore, Store } from './memory-store.js';
import { type CompatSettings, type ExpressSessionOptions, resolveCompatOptions } from './options.js';
import { type CompatRequest, RequestState } from './request-state.js';

export type { ExpressSessionStore } from './callback-store.js';
export type { CompatSession } from './compat-session.js';
export type { CompatCookie } from './cookie.js';
export type { CustosExtensions, ExpressSessionCookieOptions, ExpressSessionOptions } from './options.js';
export type { CompatRequest } from './request-state.js';
export { type ForeignStoreOptions, fromExpressSessionStore } from './store-adapter.js';
export { MemoryStore, Store };

type ExpressLikeRequest = CompatRequest & {
  sessionStore?: unknown;
  secure?: boolean;
  ip?: string;
  app?: unknown;
};

/** The core's view of the request, deciding "is this HTTPS?" the way the `proxy` option says. */
function requestLike(req: ExpressLikeRequest, settings: CompatSettings): RequestLike {
  if (settings.trustedProxies) return toRequestLike(req, settings.trustedProxies);
  // proxy unset: express-session defers to Express's own `trust proxy` setting. Its trust
  // decision, read on the trusted hop's value: `req.secure` takes the left-most, client-supplied
  // X-Forwarded-Proto (TLS-03).
  if (settings.proxy === undefined && req.app !== undefined) return toRequestLike(req);
  const direct = toRequestLike(req, []);
  return { ...direct, secure: Boolean((req.socket as TLSSocket | undefined)?.encrypted) };
}

export interface SessionMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  /** The custos manager underneath: device lists, `revokeUser`, `revokeAll`, health checks. */
  readonly manager: SessionManager<Record<string, unknown>>;
}

/**
 * Drop-in replacement for express-session: `import session from 'custos/express-session'`.
 * Same `req.session` / `req.sessionID` / `req.session.cookie` surface; custos underneath
 * (hashed ids, sealed data, idle + absolute expiry, per-key writes). Unsafe options are refused
 * at startup with a message that says what to change; see docs/migrating-from-express-session.md.
 *
 * @example
 * import session from 'custos/express-session';
 * app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
 * app.get('/', (req, res) => { req.session.views = (req.session.views ?? 0) + 1; res.send(`${req.session.views}`); });
 */
function session(options: ExpressSessionOptions): SessionMiddleware {
  const settings = resolveCompatOptions(options);
  const manager = createSessions<Record<string, unknown>>(settings.manager);
  const clock = manager.options.clock;
  const middleware = function session(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) {
    const request = req as ExpressLikeRequest;
    // Like express-session: a session already on the request (nested routers) is left alone.
    if (request.session) return next();
    const sawLegacy =
      settings.legacyName !== null && readCookie(headerValue(req.headers, 'cookie'), settings.legacyName).count > 0;
    manager.load(requestLike(request, settings)).then(
      (native) => {
        const state = new RequestState(native, settings, request, clock, sawLegacy);
        request.sessionStore = settings.appStore ?? manager.store;
        request.session = state.session;
        Object.defineProperty(request, 'sessionID', {
          get: () => state.handle ?? undefined,
          configurable: true,
          enumerable: true,
        });
        commitOnEnd(res, state);
        next();
      },
      (error: unknown) => {
        if (!sendSessionError(res, error)) next(error);
      },
    );
  } as SessionMiddleware;
  Object.defineProperty(middleware, 'manager', { value: manager, enumerable: true });
  return middleware;
}

session.Store = Store;
session.MemoryStore = MemoryStore;

export default session;
export { session };
