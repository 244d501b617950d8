import type { CompatSession } from './compat-session.js';
import type { SessionStoreView } from './store-view.js';

// Re-exported so the declarations load the file that declares `req.session` (an augmentation alone does not).
export type { ExpressRequestSession } from '../express-request.js';

/**
 * The shape of `req.session`'s data, as in @types/express-session. Declare yours once and every
 * `req.session.<key>` is typed (each key optional: a new session has none of them):
 *
 * @example
 * declare module 'custos/express-session' {
 *   interface SessionData { user: string; views: number }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by users through declaration merging
export interface SessionData {}

/**
 * `req.session`: express-session's methods and `cookie`, plus the declared data. The runtime
 * object (`CompatSession`) accepts any key; the declared type does not, so a typo or a value of
 * the wrong type fails to compile, as with @types/express-session.
 */
export type RequestSession = Pick<
  CompatSession,
  'id' | 'cookie' | 'regenerate' | 'destroy' | 'reload' | 'save' | 'touch' | 'resetMaxAge' | 'toJSON'
> &
  Partial<SessionData>;

/** `req.sessionStore`: express-session's Store API (`get`, `all`, `destroy`...) over custos's records. */
export type RequestSessionStore = SessionStoreView;

declare module '../express-request.js' {
  interface ExpressRequestSessions {
    compat: RequestSession;
  }
}

declare global {
  namespace Express {
    interface Request {
      /** The session's id: a string from the first request, as in express-session. */
      sessionID: string;
      /** The session store, answering with session data as express-session's stores do. */
      sessionStore: RequestSessionStore;
    }
  }
}
