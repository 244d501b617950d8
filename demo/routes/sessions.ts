import { type Request, type Response, Router } from 'express';
import { type Bank, currentUser, pageContext, requireUserPage, sessionOf } from '../context.js';
import { adminPage, messagePage, reauthPage, sessionsPage } from '../views/pages.js';
import { confirmation } from './account.js';

export function sessionRoutes(bank: Bank): Router {
  const router = Router();
  const signedIn = requireUserPage(bank);
  const userName = (req: Request) => currentUser(bank, req)?.name as string;

  /** Checklist TRM-05: ending another device's session needs a recent password confirmation. */
  const needsFreshAuth = (req: Request, res: Response): boolean => {
    if (sessionOf(req).isFresh()) return false;
    res.status(403).send(reauthPage(pageContext(bank, req, res), { next: '/sessions' }));
    return true;
  };

  router.get('/sessions', signedIn, async (req, res) => {
    const sessions = await bank.manager.listSessions(userName(req), sessionOf(req).handle);
    res.send(sessionsPage(pageContext(bank, req, res), { sessions, notice: confirmation(req) }));
  });

  router.post('/sessions/revoke-others', signedIn, async (req, res) => {
    if (needsFreshAuth(req, res)) return;
    await bank.manager.revokeUser(userName(req), { except: [sessionOf(req).handle] });
    res.redirect(303, '/sessions?ok=others');
  });

  router.post('/sessions/:handle/revoke', signedIn, async (req, res) => {
    const session = sessionOf(req);
    const handle = String(req.params.handle);
    if (handle === session.handle) {
      await session.destroy();
      res.redirect(303, '/');
      return;
    }
    if (needsFreshAuth(req, res)) return;
    // Scoped to this user: a guessed handle of someone else's session revokes nothing.
    await bank.manager.revoke(handle, { userId: userName(req) });
    res.redirect(303, '/sessions?ok=revoked');
  });

  const adminOnly = (req: Request, res: Response, next: () => void) => {
    if (currentUser(bank, req)?.role === 'admin') return next();
    res.status(403).send(messagePage(pageContext(bank, req, res), 'Forbidden', 'Only administrators can do that.'));
  };

  router.get('/admin', signedIn, adminOnly, (req, res) => {
    res.send(adminPage(pageContext(bank, req, res), { users: bank.users.names(), notice: confirmation(req) }));
  });

  // Checklist TRM-06: revoke one user's sessions at once, or everybody's without a scan.
  router.post('/admin/users/:user/revoke', signedIn, adminOnly, async (req, res) => {
    await bank.manager.revokeUser(String(req.params.user));
    res.redirect(303, '/admin?ok=admin-revoked');
  });

  router.post('/admin/revoke-all', signedIn, adminOnly, async (_req, res) => {
    await bank.manager.revokeAll();
    res.redirect(303, '/login');
  });

  return router;
}
