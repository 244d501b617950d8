import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Session, SessionManager } from '../src/index.js';
import type { Ledger } from './ledger.js';
import type { LoginThrottle } from './throttle.js';
import type { User, UserDirectory } from './users.js';
import type { PageContext } from './views/layout.js';

/** The demo's session data: only the cart; everything about the user lives in the directory. */
export interface BankData {
  cart: string[];
}

export type BankSession = Session<BankData>;

/** What the route modules share. */
export interface Bank {
  readonly manager: SessionManager<BankData>;
  readonly users: UserDirectory;
  readonly ledger: Ledger;
  readonly throttle: LoginThrottle;
  /** `CUSTOS_STORE=cookie:`: the pages state what a stateless session cannot do. */
  readonly sealedCookies?: boolean;
}

export function sessionOf(req: Request): BankSession {
  return req.session as unknown as BankSession;
}

/** The signed-in user, or null (a pending or anonymous session is not signed in). */
export function currentUser(bank: Bank, req: Request): User | null {
  // No session at all when the store was down while loading it (the 503 page still renders).
  const session = req.session as unknown as BankSession | undefined;
  if (!session?.isAuthenticated || !session.userId) return null;
  return bank.users.find(session.userId) ?? null;
}

export function pageContext(bank: Bank, req: Request, res: Response): PageContext {
  const user = currentUser(bank, req);
  const idleExpiresAt = user ? sessionOf(req).idleExpiresAt : null;
  return {
    user: user ? { name: user.name, role: user.role } : null,
    csrfToken: () => res.locals.csrfToken as string,
    nonce: res.locals.nonce as string,
    idleRemainingMs: user && idleExpiresAt !== null ? Math.max(0, idleExpiresAt - Date.now()) : null,
    sealedCookies: bank.sealedCookies === true,
  };
}

/** Pages for signed-in users: anonymous visitors go to the sign-in page (contract: 303 /login). */
export function requireUserPage(bank: Bank) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (currentUser(bank, req)) return next();
    res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.path))}`);
  };
}

/** JSON routes for signed-in users: anonymous gets 401. */
export function requireUserApi(bank: Bank) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (currentUser(bank, req)) return next();
    res.status(401).json({ error: 'not signed in' });
  };
}

/** Only local paths of a known shape: never an open redirect. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/[a-z0-9/_-]{0,100}$/i.test(value) && !value.startsWith('//')
    ? value
    : '/account';
}

/**
 * Security headers for every response: a nonce-based CSP (the only inline script is the idle
 * countdown), no framing, no sniffing. (HSTS comes from custos' `enforceHttps` in TLS mode.)
 */
export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.nonce = nonce;
    res.set({
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    next();
  };
}
