import express, { type Request, type RequestHandler } from 'express';

import { nextUserId, custosOps as opsOn, type SessionOps } from './session-ops.js';

/** The same four routes for every Express target, so only the session layer differs. */
export function expressApp(middleware: RequestHandler[], ops: SessionOps<Request> | null) {
  const app = express();
  app.set('etag', false);
  app.set('x-powered-by', false);
  for (const mw of middleware) app.use(mw);
  let counter = 0;
  app.get('/read', (req, res) => {
    res.send(String(ops?.read(req) ?? 0));
  });
  app.get('/write', (req, res) => {
    ops?.write(req, ++counter);
    res.send('ok');
  });
  app.get('/new', (req, res) => {
    ops?.write(req, 1);
    res.send('ok');
  });
  app.get('/login', async (req, res, next) => {
    try {
      await ops?.login(req);
      res.send('ok');
    } catch (error) {
      next(error);
    }
  });
  return app;
}

/** custos through custos/express: `req.session` is a custos Session. */
export const custosOps = opsOn((req: Request) => req.session);

type ExpressSessionReq = {
  session: { [key: string]: unknown; regenerate(cb: (err?: unknown) => void): void };
};

/** express-session: plain object session, `regenerate` for id rotation. */
export const expressSessionOps: SessionOps<Request> = {
  read: (req) => (req as unknown as ExpressSessionReq).session.n,
  write: (req, value) => {
    (req as unknown as ExpressSessionReq).session.n = value;
  },
  login: (req) =>
    new Promise<void>((resolve, reject) => {
      const r = req as unknown as ExpressSessionReq;
      r.session.regenerate((err) => {
        if (err) return reject(err);
        r.session.userId = nextUserId();
        resolve();
      });
    }),
};
