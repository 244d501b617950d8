import express from 'express';
import { csrf, sessionErrors, sessions } from '../../src/adapters/express.js';
import type { SessionManager } from '../../src/core/manager.js';

type Data = { n: number; [key: string]: unknown };

/** The small Express app the core flows are driven through. */
export function coreApp(manager: SessionManager<Data>) {
  const app = express();
  app.use(sessions(manager));
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.get('/read', (req, res) => {
    res.json({ user: req.session.userId, data: req.session.toJSON() });
  });
  app.post('/set/:key', (req, res) => {
    req.session.set(req.params.key as never, req.body.value as never);
    res.json({ ok: true });
  });
  app.post('/inc', async (req, res) => {
    res.json({ n: await req.session.update('n' as never, ((n: number | undefined) => (n ?? 0) + 1) as never) });
  });
  app.post('/login/:user', async (req, res) => {
    await req.session.login(req.params.user);
    res.redirect(303, '/read');
  });
  app.post('/logout', async (req, res) => {
    await req.session.destroy();
    res.redirect(303, '/');
  });
  app.get('/csrf', (req, res) => {
    res.json({ token: manager.csrfToken(req.session as never) });
  });
  app.post('/protected', csrf(manager), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(sessionErrors());
  return app;
}
