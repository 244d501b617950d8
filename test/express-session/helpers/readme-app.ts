import type { RequestHandler } from 'express';
import express from 'express';

/** Either `express-session` or `custos/express-session`: same options, same middleware shape. */
// biome-ignore lint/suspicious/noExplicitAny: the two packages type their options differently
export type SessionFactory = (options: any) => RequestHandler;

// biome-ignore lint/suspicious/noExplicitAny: express-session's req.session is untyped data
type AnyReq = express.Request & { session: any; sessionID: string };

/** A 32+ byte secret: the README's 'keyboard cat' is refused by custos (tested separately). */
export const README_SECRET = 'keyboard cat keyboard cat keyboard cat!';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * express-session's README examples, nearly verbatim: the per-path view counter and the
 * user login/logout example, plus small routes for destroy, reload, sessionID and cookie facts.
 */
export function readmeApp(session: SessionFactory, options: Record<string, unknown> = {}): express.Express {
  const app = express();
  app.use(session({ secret: README_SECRET, resave: false, saveUninitialized: false, ...options }));

  // --- "View counter" example -----------------------------------------------------------------
  app.get(['/foo', '/bar'], (req: AnyReq, res) => {
    if (!req.session.views) req.session.views = {};
    const pathname = req.path;
    req.session.views[pathname] = (req.session.views[pathname] || 0) + 1;
    res.send(`you viewed this page ${req.session.views[pathname]} times`);
  });

  // --- "User login" example -------------------------------------------------------------------
  function isAuthenticated(req: AnyReq, _res: express.Response, next: (r?: string) => void) {
    if (req.session.user) next();
    else next('route');
  }
  app.get('/', isAuthenticated, (req: AnyReq, res) => {
    res.send(`hello, ${escapeHtml(req.session.user)}! <a href="/logout">Logout</a>`);
  });
  app.get('/', (_req, res) => {
    res.send('<form action="/login" method="post">Username: <input name="user"></form>');
  });
  app.post('/login', express.urlencoded({ extended: false }), (req: AnyReq, res, next) => {
    req.session.regenerate((err: unknown) => {
      if (err) return next(err);
      req.session.user = req.body.user;
      req.session.save((err: unknown) => {
        if (err) return next(err);
        res.redirect('/');
      });
    });
  });
  app.get('/logout', (req: AnyReq, res, next) => {
    req.session.user = null;
    req.session.save((err: unknown) => {
      if (err) return next(err);
      req.session.regenerate((err: unknown) => {
        if (err) return next(err);
        res.redirect('/');
      });
    });
  });

  // --- other documented methods ---------------------------------------------------------------
  app.get('/destroy', (req: AnyReq, res, next) => {
    req.session.destroy((err: unknown) => (err ? next(err) : res.send('destroyed')));
  });
  app.get('/reload', (req: AnyReq, res, next) => {
    const before = req.session.user;
    req.session.user = 'mallory';
    req.session.reload((err: unknown) => (err ? next(err) : res.json({ before, after: req.session.user ?? null })));
  });
  app.get('/set/:key', async (req: AnyReq, res) => {
    // A little latency so parallel requests overlap the way real handlers do.
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    req.session[req.params.key as string] = 1;
    res.send('ok');
  });
  app.get('/keys', (req: AnyReq, res) => {
    res.json(Object.keys(req.session).filter((k) => k !== 'cookie'));
  });
  app.get('/facts', (req: AnyReq, res) => {
    const c = req.session.cookie;
    res.json({
      id: req.session.id ?? null,
      sessionID: req.sessionID ?? null,
      maxAge: c.maxAge,
      originalMaxAge: c.originalMaxAge,
      expires: c.expires ? new Date(c.expires).toISOString() : null,
      httpOnly: c.httpOnly,
      path: c.path,
    });
  });
  app.get('/remember/:hours', (req: AnyReq, res) => {
    req.session.cookie.maxAge = Number(req.params.hours) * 3_600_000;
    req.session.remember = true;
    res.send('ok');
  });
  app.get('/unset', (req: AnyReq, res) => {
    req.session.views = { '/foo': 100 };
    req.session = null;
    res.send('unset');
  });
  return app;
}
