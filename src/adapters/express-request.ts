/**
 * The one declaration of `req.session` on Express's Request for every custos entry. Two entries
 * give Express a `req.session` (`custos/express`: a custos `Session`; `custos/express-session`:
 * express-session's object), and TypeScript refuses two declarations of one property with
 * different types (TS2717) in a program that loads both, as a project importing every subpath
 * does. So each entry registers its type under its own key here, and the property picks one.
 */

/** Filled by the entries through module augmentation: `native` (custos/express), `compat` (custos/express-session). */
// biome-ignore lint/suspicious/noEmptyInterface: extended by the adapters through declaration merging
export interface ExpressRequestSessions {}

/**
 * The registered type; custos/express's when both entries are loaded, since an app that imports
 * both mounts custos/express's middleware on purpose.
 */
export type ExpressRequestSession = ExpressRequestSessions extends { native: infer Native }
  ? Native
  : ExpressRequestSessions extends { compat: infer Compat }
    ? Compat
    : unknown;

declare global {
  namespace Express {
    interface Request {
      /** This request's session; its type comes from the custos entry the app imports. */
      session: ExpressRequestSession;
    }
  }
}
