import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { browser } from './helpers/client.js';
import { README_SECRET } from './helpers/readme-app.js';
import { type AnyReq, session } from './helpers/upstream-parity.js';

describe('custos/express-session: what express-session itself promises', () => {
  it('words a bad genid, unset or empty secret list as express-session does, before looking at the secret', () => {
    expect(() => session({ genid: 'not a function' })).toThrow(/genid option must be a function/);
    expect(() => session({ unset: 'sometimes' })).toThrow(/unset option must be "destroy" or "keep"/);
    expect(() => session({ secret: [] })).toThrow(/secret option array must contain one or more strings/);
    expect(() => session({})).toThrow(/secret.*required/);
  });

  it('signs with a Buffer secret and reads the session back on the next request', async () => {
    const app = express();
    app.use(session({ secret: randomBytes(32), saveUninitialized: false, resave: false }));
    app.get('/', (req: AnyReq, res) => {
      req.session.visits = (req.session.visits ?? 0) + 1;
      res.send(String(req.session.visits));
    });
    const user = browser(app);
    expect((await user.get('/')).text).toBe('1');
    expect((await user.get('/')).text).toBe('2');
  });

  it('reads `key` as the cookie name, as express-session still does for older apps', async () => {
    const app = express();
    app.use(session({ key: 'app.sid', secret: README_SECRET, saveUninitialized: false, resave: false }));
    app.get('/', (req: AnyReq, res) => {
      req.session.n = (req.session.n ?? 0) + 1;
      res.send(String(req.session.n));
    });
    const user = browser(app);
    const first = await user.get('/');
    expect(String(first.headers['set-cookie'])).toMatch(/^app\.sid=/);
    expect((await user.get('/')).text).toBe('2');
  });

  it('gives no session, and sets no cookie, outside the cookie path', async () => {
    const app = express();
    app.use(session({ secret: README_SECRET, cookie: { path: '/admin' }, saveUninitialized: false, resave: false }));
    app.use((req: AnyReq, res) => {
      if (req.session) req.session.seen = true;
      res.send(typeof req.session);
    });
    const outside = await browser(app).get('/public?x=/admin');
    expect(outside.text).toBe('undefined');
    expect(outside.headers['set-cookie']).toBeUndefined();
    const inside = await browser(app).get('/admin/users');
    expect(inside.text).toBe('object');
    expect(String(inside.headers['set-cookie'])).toMatch(/Path=\/admin/);
  });

  it('reads an empty request path as the root of the cookie path', async () => {
    const handler = session({ secret: README_SECRET, saveUninitialized: false, resave: false });
    const server = createServer((req, res) => {
      req.url = '';
      handler(req as never, res as never, () => {
        const live = (req as AnyReq).session;
        if (live) live.seen = true;
        res.end(typeof live);
      });
    });
    const res = await request(server).get('/');
    expect(res.text).toBe('object');
    expect(String(res.headers['set-cookie'])).toMatch(/^connect\.sid=/);
  });

  it('finds its cookie in req.cookies when a layer after cookie-parser rewrote the Cookie header', async () => {
    const app = express();
    // What cookie-parser leaves behind, followed by a layer that replaces the raw header.
    app.use((req: express.Request & { cookies?: Record<string, string> }, _res, next) => {
      const pairs = (req.headers.cookie ?? '').split(';').map((p) => p.trim().split('='));
      req.cookies = Object.fromEntries(
        pairs.filter((p) => p.length === 2).map(([k, v]) => [k, decodeURIComponent(v ?? '')]),
      );
      req.headers.cookie = 'consent=yes';
      next();
    });
    app.use(session({ secret: README_SECRET, saveUninitialized: false, resave: false }));
    app.get('/', (req: AnyReq, res) => {
      req.session.n = (req.session.n ?? 0) + 1;
      res.send(String(req.session.n));
    });
    const user = browser(app);
    expect((await user.get('/')).text).toBe('1');
    expect((await user.get('/')).text).toBe('2');
    // A forged value found there is refused like one in the header.
    const forged = await request(app).get('/').set('cookie', 'connect.sid=not-a-custos-cookie');
    expect(forged.text).toBe('1');
  });
});
