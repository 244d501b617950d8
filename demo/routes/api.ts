import { type Request, Router } from 'express';
import { type Bank, currentUser, requireUserApi, sessionOf } from '../context.js';

const MAX_CART_ITEMS = 500;

export function apiRoutes(bank: Bank): Router {
  const router = Router();
  const signedIn = requireUserApi(bank);
  const userName = (req: Request) => currentUser(bank, req)?.name as string;

  router.get('/api/account', signedIn, (req, res) => {
    const user = userName(req);
    res.json({ user, balance: bank.ledger.balance(user), transfers: bank.ledger.history(user) });
  });

  router.get('/api/sessions', signedIn, async (req, res) => {
    const list = await bank.manager.listSessions(userName(req), sessionOf(req).handle);
    res.json(
      list.map((s) => ({
        handle: s.handle,
        current: s.current,
        device: s.device,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
      })),
    );
  });

  // The token first: asking for one starts an (anonymous) session if there is none yet.
  router.get('/api/session', (req, res) => {
    const csrfToken = res.locals.csrfToken as string;
    const session = sessionOf(req);
    const user = currentUser(bank, req);
    res.json({
      authenticated: user !== null,
      user: user?.name ?? null,
      handle: session.handle,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      authenticatedAt: user ? session.authenticatedAt : null,
      idleExpiresAt: session.idleExpiresAt,
      absoluteExpiresAt: session.absoluteExpiresAt,
      csrfToken,
    });
  });

  router.get('/api/cart', (req, res) => {
    res.json({ items: sessionOf(req).get('cart') ?? [] });
  });

  // Compare-and-set on the stored field: 100 parallel adds keep all 100.
  router.post('/api/cart', async (req, res) => {
    const item = (req.body as { item?: unknown } | undefined)?.item;
    if (typeof item !== 'string' || item.length === 0 || item.length > 100) {
      res.status(400).json({ error: 'send { "item": "<name>" }' });
      return;
    }
    const items = await sessionOf(req).update('cart', (cart) => {
      const current = cart ?? [];
      return current.length >= MAX_CART_ITEMS ? current : [...current, item];
    });
    res.json({ items });
  });

  return router;
}
