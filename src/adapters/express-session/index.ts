import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createSessions, type SessionManager } from '../../core/manager.js';
import { StoreCaller } from '../../core/store-call.js';
import { randomToken } from '../../crypto/random.js';
import { isExpressSessionStore } from '../../stores/express-session/callback-store.js';
import { headerValue, isLoopbackHost, type RequestLike, requestHost } from '../../vocabulary/request.js';
import { warnOnce } from '../../vocabulary/warn-once.js';
import { attachThroughPrototypes } from '../express-hooks.js';
import { sendSessionError, toRequestLike } from '../node-shared.js';
import { CompatSession } from './compat-session.js';
import { CompatCookie } from './cookie.js';
import { settingsForRequest } from './cookie-function.js';
import { commitOnEndRefusingLateHeaders } from './headers-after-end.js';
import { LegacyConverter } from './legacy-conversion.js';
import { loadRequest } from './load-request.js';
import { MemoryStore, Store } from './memory-store.js';
import { nextSafely } from './next-safely.js';
import { type CompatSettings, type ExpressSessionOptions, resolveCompatOptions } from './options.js';
import { withParsedCookie } from './parsed-cookies.js';
import { COOKIE_FIELD, type CompatRequest, type RequestHooks, RequestState } from './request-state.js';
import { loadRolling, ROLLING_DEPLOY_WARNING } from './rolling-load.js';
import { type RollingContext, RollingState } from './rolling-state.js';
import { StoreReadiness } from './store-readiness.js';
import { SessionStoreView, sessionStoreView } from './store-view.js';

export type { ExpressSessionStore } from '../../stores/express-session/callback-store.js';
export { type ForeignStoreOptions, fromExpressSessionStore } from '../../stores/express-session/store-adapter.js';
export type { RequestSession, RequestSessionStore, SessionData } from './express-types.js';
export type { CustosExtensions, ExpressSessionCookieOptions, ExpressSessionOptions } from './options.js';
export type { CompatRequest } from './request-state.js';
export { CompatCookie as Cookie, CompatCookie, CompatSession as Session, CompatSession, MemoryStore, Store };

type ExpressLikeRequest = CompatRequest & {
  sessionStore?: unknown;
  /** cookie-parser's parsed cookies, when it runs before the session. */
  cookies?: unknown;
  secure?: boolean;
  ip?: string;
  app?: unknown;
};

/**
 * The core's view of the request, deciding "is this HTTPS?" exactly as express-session does:
 * a TLS socket always; `proxy: false` nothing else; `proxy: true` the first `X-Forwarded-Proto`
 * value (honoured with a warning: any client can send it); unset, Express's own `trust proxy`
 * decision, applied to the value the trusted hop appended rather than the client's (TLS-03).
 * `custos.trustedProxies`, when given, decides both instead.
 */
function requestLike(req: ExpressLikeRequest, settings: CompatSettings): RequestLike {
  if (settings.trustedProxies) return toRequestLike(req, settings.trustedProxies);
  // proxy unset: express-session defers to Express's own `trust proxy` setting. Its trust
  // decision, read on the trusted hop's value: `req.secure` takes the left-most, client-supplied
  // X-Forwarded-Proto (TLS-03).
  if (settings.proxy === undefined && req.app !== undefined) return toRequestLike(req);
  const direct = toRequestLike(req, []);
  const encrypted = Boolean((req.socket as TLSSocket | undefined)?.encrypted);
  const express = req.app !== undefined && typeof req.secure === 'boolean';
  const remoteAddress = express ? (req.ip ?? direct.remoteAddress) : direct.remoteAddress;
  if (settings.proxy === true) {
    const proto = headerValue(req.headers, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    return { ...direct, remoteAddress, secure: encrypted || proto === 'https' };
  }
  return { ...direct, remoteAddress, secure: encrypted };
}

/**
 * Whether the request's path is inside the cookie's `Path` (RFC 6265 §5.1.4 path-match, read as
 * express-session reads it: a prefix of the original URL's path). Outside it the browser would
 * never send the cookie back, so express-session leaves such requests without a session.
 */
function inCookiePath(req: ExpressLikeRequest & { originalUrl?: string }, path: string): boolean {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  // An empty request path is the root, as express-session (parseurl) reads it.
  return ((query === -1 ? url : url.slice(0, query)) || '/').startsWith(path);
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
 * // TypeScript: declare the data once (each key is optional on req.session).
 * declare module 'custos/express-session' { interface SessionData { views: number } }
 * app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * app.get('/', (req, res) => { req.session.views = (req.session.views ?? 0) + 1; res.send(`${req.session.views}`); });
 */
function session(options: ExpressSessionOptions): SessionMiddleware {
  const settings = resolveCompatOptions(options);
  const manager = createSessions<Record<string, unknown>>(settings.manager);
  const clock = manager.options.clock;
  const warn = (code: string, reason: string, message: string) => {
    manager.emit({ type: 'config-warning', reason });
    warnOnce(code, message);
  };
  for (const w of settings.warnings) warn(w.code, w.reason, w.message);
  const legacyStore = settings.convert && isExpressSessionStore(settings.appStore) ? settings.appStore : null;
  const converter = legacyStore
    ? new LegacyConverter(legacyStore, manager, settings.rawSecrets, settings.maxAge, COOKIE_FIELD)
    : null;
  const absoluteTimeout = manager.options.absoluteTimeout;
  let rolling: RollingContext | null = null;
  if (settings.rollingDeploy && isExpressSessionStore(settings.appStore)) {
    const { storeTimeout, onEvent } = manager.options;
    const caller = new StoreCaller(storeTimeout, onEvent, clock);
    rolling = { store: settings.appStore, settings, caller, clock, rollbacks: new Map() };
    warn('CUSTOS_ROLLING_DEPLOY', 'rolling-deploy-plaintext-sessions', ROLLING_DEPLOY_WARNING);
  }
  const storeView = sessionStoreView(new SessionStoreView(manager, COOKIE_FIELD, settings.maxAge), settings.appStore);
  const readiness = new StoreReadiness(settings.appStore, (ready) => {
    if (!ready) {
      manager.emit({ type: 'store-error', reason: 'store-disconnected' });
      warnOnce(
        'CUSTOS_STORE_DISCONNECTED',
        'the session store reported "disconnect": requests are served without req.session until it reports "connect" again, as with express-session. Check the store backend (Redis, Postgres, ...).',
      );
    }
  });
  const hooksFor = (like: RequestLike): RequestHooks => ({
    absoluteTimeout,
    warn,
    secureRequest: like.secure,
    loopbackRequest: isLoopbackHost(requestHost(like)),
  });
  const middleware = function session(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) {
    const request = req as ExpressLikeRequest;
    // Like express-session: a session already on the request (nested routers) is left alone.
    if (request.session) return next();
    let forRequest: CompatSettings;
    try {
      forRequest = settingsForRequest(settings, request);
    } catch (error) {
      return nextSafely(next, res, error);
    }
    // express-session gives no session outside the cookie's path, or while the store is disconnected.
    if (!inCookiePath(request, forRequest.path) || !readiness.ready) return next();
    const like = withParsedCookie(requestLike(request, forRequest), request.cookies, forRequest.cookieName);
    // The rolling context's rollback map is shared; only the settings are this request's.
    if (rolling) return serveRolling({ ...rolling, settings: forRequest }, like, request, res, next);
    const { native: loading, sawLegacy } = loadRequest(manager, forRequest, converter, like);
    loading.then(
      (native) => {
        const state = new RequestState(native, forRequest, request, clock, sawLegacy, hooksFor(like));
        attach(request, res, state, storeView);
        nextSafely(next, res);
      },
      (error: unknown) => {
        if (!sendSessionError(res, error)) nextSafely(next, res, error);
      },
    );
  } as SessionMiddleware;
  /** `custos.rollingDeploy`: the session is the express-session record itself (see rolling-state.ts). */
  const serveRolling = (
    ctx: RollingContext,
    like: RequestLike,
    request: ExpressLikeRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ) => {
    loadRolling(ctx, manager, like).then(
      (start) => {
        const state = new RollingState(ctx, request, hooksFor(like), start);
        attach(request, res, state, settings.appStore);
        nextSafely(next, res);
      },
      (error: unknown) => {
        if (!sendSessionError(res, error)) nextSafely(next, res, error);
      },
    );
  };
  Object.defineProperty(middleware, 'manager', { value: manager, enumerable: true });
  return middleware;
}

/**
 * What express-session puts on a request: `req.session`, `req.sessionStore`, and `req.sessionID`,
 * a string at once. custos mints an id only when the session is first stored, so until then a
 * per-request placeholder keeps it a string. The commit runs before the response ends.
 *
 * On Express, `req.sessionID`, `req.sessionStore` and the response hooks come from Express's
 * shared prototypes (express-hooks.ts: an own property on Express's per-app objects is V8's slow
 * path); `req.session` stays the request's own property, so `delete req.session` (the `unset`
 * option) is seen at the end of the request as in express-session.
 */
function attach(
  request: ExpressLikeRequest,
  res: ServerResponse,
  state: RequestState | RollingState,
  store: unknown,
): void {
  let placeholder: string | undefined;
  const sessionID = () => state.handle ?? (placeholder ??= randomToken(16));
  if (attachThroughPrototypes(request, res, state, { sessionID, sessionStore: store, refuseLateHeaders: true })) {
    request.session = state.session;
    return;
  }
  request.sessionStore = store as ExpressLikeRequest['sessionStore'];
  request.session = state.session;
  Object.defineProperty(request, 'sessionID', { get: sessionID, configurable: true, enumerable: true });
  commitOnEndRefusingLateHeaders(res, state);
}

session.Store = Store;
session.MemoryStore = MemoryStore;
session.Cookie = CompatCookie;
session.Session = CompatSession;

export default session;
export { session };
