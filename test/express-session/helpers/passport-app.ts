import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import { README_SECRET, type SessionFactory } from './readme-app.js';

type Done = (error: unknown, value?: unknown) => void;
/** The part of passport's API these tests use (the packages ship no types). */
interface Authenticator {
  use(strategy: unknown): void;
  serializeUser(fn: (user: unknown, done: Done) => void): void;
  deserializeUser(fn: (id: string, done: Done) => void): void;
  session(): RequestHandler;
  authenticate(name: string, options: Record<string, unknown>): RequestHandler;
}
const require = createRequire(import.meta.url);
const passport = require('passport') as { Passport: new () => Authenticator };
const { Strategy: LocalStrategy } = require('passport-local') as {
  Strategy: new (verify: (username: string, password: string, done: Done) => void) => unknown;
};

/**
 * The passport-local app of passport's own guide: POST /login with username/password, `req.user`
 * restored from `req.session.passport.user` on later requests. One Authenticator per app, so the
 * express-session app and the custos app of one test are independent (only the store is shared).
 */
export function passportApp(session: SessionFactory, options: Record<string, unknown> = {}): express.Express {
  const auth = new passport.Passport();
  auth.use(
    new LocalStrategy((username, password, done) =>
      password === `${username}-password` ? done(null, { id: `id-${username}`, name: username }) : done(null, false),
    ),
  );
  auth.serializeUser((user, done) => done(null, (user as { id: string }).id));
  auth.deserializeUser((id: string, done) => done(null, { id, name: id.slice(3) }));

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ secret: README_SECRET, resave: false, saveUninitialized: false, ...options }));
  app.use(auth.session());
  app.post('/login', auth.authenticate('local', { failureRedirect: '/login-failed' }), (_req, res) => {
    res.redirect('/me');
  });
  app.get('/me', (req, res) => {
    res.json({ user: ((req as unknown as { user?: unknown }).user as { name?: string } | undefined)?.name ?? null });
  });
  // passport 0.6+: logout clears the user and regenerates the session (a new id, the old record deleted).
  app.post('/logout', (req, res, next) => {
    (req as unknown as { logout(done: (error?: unknown) => void): void }).logout((error) =>
      error ? next(error) : res.json({ user: null }),
    );
  });
  app.post('/cart', (req, res) => {
    const s = (req as unknown as { session: { cart?: string[] } }).session;
    s.cart = [...(s.cart ?? []), 'book'];
    res.json(s.cart);
  });
  app.get('/cart', (req, res) => {
    res.json((req as unknown as { session: { cart?: string[] } }).session.cart ?? []);
  });
  return app;
}
