import { type Request, type Response, Router } from 'express';
import { type Bank, currentUser, pageContext, requireUserPage, safeNext, sessionOf } from '../context.js';
import { LoginThrottle } from '../throttle.js';
import { loginPage, reauthPage } from '../views/pages.js';

/** One message for every failure: it never says whether the name exists (checklist §10). */
const GENERIC_FAILURE = 'Incorrect username or password.';

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** 429 with Retry-After in whole seconds; true when the account must wait. */
function throttled(bank: Bank, account: string, res: Response, render: (text: string) => string): boolean {
  const wait = bank.throttle.retryAfter(account);
  if (wait <= 0) return false;
  const seconds = Math.ceil(wait / 1000);
  res
    .status(429)
    .set('retry-after', String(seconds))
    .send(render(`Too many attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`));
  return true;
}

export function authRoutes(bank: Bank): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    const next = typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined;
    res.send(loginPage(pageContext(bank, req, res), { next }));
  });

  router.post('/login', async (req, res) => {
    const account = LoginThrottle.key(field(req, 'username'));
    const next = field(req, 'next') ? safeNext(field(req, 'next')) : undefined;
    const render = (text: string) =>
      loginPage(pageContext(bank, req, res), { notice: { kind: 'error', text }, username: account, next });
    if (throttled(bank, account, res, render)) return;
    const user = await bank.users.authenticate(account, field(req, 'password'));
    if (!user) {
      bank.throttle.failed(account);
      res.status(401).send(render(GENERIC_FAILURE));
      return;
    }
    bank.throttle.succeeded(account);
    // A brand-new session id; the anonymous cart comes along, nothing else (checklist FIX-01).
    await sessionOf(req).login(user.name, { keep: ['cart'], amr: ['pwd'] });
    res.redirect(303, next ?? '/account');
  });

  router.post('/logout', async (req, res) => {
    await sessionOf(req).destroy();
    res.redirect(303, '/');
  });

  // Checklist TRM-03: logging out is never reachable by a GET.
  router.get('/logout', (_req, res) => {
    res.status(405).set('allow', 'POST').type('text/plain').send('Sign out with the button (POST).');
  });

  router.get('/reauth', requireUserPage(bank), (req, res) => {
    res.send(reauthPage(pageContext(bank, req, res), { next: safeNext(req.query.next) }));
  });

  router.post('/reauth', requireUserPage(bank), async (req, res) => {
    const user = currentUser(bank, req);
    if (!user) return;
    const next = safeNext(field(req, 'next'));
    const render = (text: string) => reauthPage(pageContext(bank, req, res), { next, notice: { kind: 'error', text } });
    if (throttled(bank, user.name, res, render)) return;
    if (!(await bank.users.authenticate(user.name, field(req, 'password')))) {
      bank.throttle.failed(user.name);
      res.status(401).send(render(GENERIC_FAILURE));
      return;
    }
    bank.throttle.succeeded(user.name);
    // Checklist RA-02 / TMO-04: both timers restart and the id rotates.
    await sessionOf(req).reauthenticate();
    res.redirect(303, next);
  });

  return router;
}
