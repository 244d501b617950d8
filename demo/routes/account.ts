import { type Request, Router } from 'express';
import { type Bank, currentUser, pageContext, requireUserPage, sessionOf } from '../context.js';
import type { User } from '../users.js';
import { accountPage, messagePage, type Notice, reauthPage, settingsPage } from '../views/pages.js';

/** Fixed confirmations chosen by key, so nothing from the URL is ever echoed into the page. */
const CONFIRMATIONS: Record<string, string> = {
  transfer: 'Transfer sent.',
  email: 'E-mail changed.',
  password: 'Password changed. Every other device has been signed out.',
  reauth: 'Password confirmed.',
  revoked: 'That session has been signed out.',
  others: 'Every other device has been signed out.',
  'admin-revoked': "The user's sessions have been revoked.",
  'admin-revoked-all': 'Every session of every user has been revoked.',
};

export function confirmation(req: Request): Notice {
  const key = typeof req.query.ok === 'string' ? req.query.ok : '';
  const text = CONFIRMATIONS[key];
  return text ? { kind: 'ok', text } : null;
}

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function accountRoutes(bank: Bank): Router {
  const router = Router();
  const signedIn = requireUserPage(bank);
  const user = (req: Request) => currentUser(bank, req) as User;

  const renderAccount = (req: Request, res: import('express').Response, notice: Notice) => {
    const u = user(req);
    return accountPage(pageContext(bank, req, res), {
      balance: bank.ledger.balance(u.name),
      transfers: bank.ledger.history(u.name).slice(0, 10),
      email: u.email,
      notice,
    });
  };

  router.get('/account', signedIn, (req, res) => {
    res.send(renderAccount(req, res, confirmation(req)));
  });

  router.post('/transfer', signedIn, (req, res) => {
    const result = bank.ledger.transfer(user(req).name, field(req, 'to'), field(req, 'amount'));
    if (!result.ok) {
      res.status(400).send(renderAccount(req, res, { kind: 'error', text: result.message }));
      return;
    }
    res.redirect(303, '/account?ok=transfer');
  });

  // The seed article's <img> attack: a GET never moves money, whatever its query string says.
  router.get('/transfer', (req, res) => {
    res
      .status(405)
      .set('allow', 'POST')
      .send(
        messagePage(
          pageContext(bank, req, res),
          'Use the form',
          'Transfers are made with the form on your account page.',
        ),
      );
  });

  router.get('/settings', signedIn, (req, res) => {
    const session = sessionOf(req);
    const at = session.authenticatedAt;
    res.send(
      settingsPage(pageContext(bank, req, res), {
        email: user(req).email,
        freshUntil: at === null ? null : at + bank.manager.options.freshAuth,
        notice: confirmation(req),
      }),
    );
  });

  // Checklist RA-01: a sensitive change needs authentication fresher than CUSTOS_FRESH_AUTH.
  router.post('/account/email', signedIn, (req, res) => {
    if (!sessionOf(req).isFresh()) {
      res.status(403).send(reauthPage(pageContext(bank, req, res), { next: '/settings' }));
      return;
    }
    const email = field(req, 'email').trim();
    if (!/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email)) {
      res
        .status(400)
        .send(messagePage(pageContext(bank, req, res), 'Invalid e-mail', 'Enter an address like name@example.com.'));
      return;
    }
    user(req).email = email;
    res.redirect(303, '/settings?ok=email');
  });

  // Checklist TRM-04: a new password rotates this session's id and ends every other session.
  router.post('/password', signedIn, async (req, res) => {
    const u = user(req);
    const next = field(req, 'next');
    const refuse = (status: number, text: string) =>
      res.status(status).send(
        settingsPage(pageContext(bank, req, res), {
          email: u.email,
          freshUntil: null,
          notice: { kind: 'error', text },
        }),
      );
    if (!(await bank.users.authenticate(u.name, field(req, 'current')))) {
      bank.throttle.failed(u.name);
      refuse(401, 'Your current password was not right.');
      return;
    }
    if (next.length < 8 || next.length > 256) {
      refuse(400, 'Choose a new password of 8 to 256 characters.');
      return;
    }
    await bank.users.setPassword(u, next);
    const session = sessionOf(req);
    await session.reauthenticate();
    await bank.manager.revokeUser(u.name, { except: [session.handle] });
    res.redirect(303, '/settings?ok=password');
  });

  return router;
}
