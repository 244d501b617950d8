import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import custosSession, { Cookie, MemoryStore } from '../../src/adapters/express-session/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { browser } from './helpers/client.js';
import { sessionSetCookies } from './helpers/jar.js';
import { README_SECRET, type SessionFactory } from './helpers/readme-app.js';

const session = custosSession as unknown as SessionFactory;
// biome-ignore lint/suspicious/noExplicitAny: express-session's req.session is untyped data
type AnyReq = express.Request & { session: any };

/**
 * Behaviours express-session's own test suite checks, as an app or a library built on it sees
 * them: the wording of its startup errors, Buffer secrets, reload of a vanished session, and the
 * standalone `Cookie` constructor.
 */
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

  it('fails reload() of a session removed from the store with "failed to load session"', async () => {
    const store = new MemoryStore();
    const app = express();
    app.use(session({ secret: README_SECRET, store, saveUninitialized: false, resave: false }));
    app.get('/start', (req: AnyReq, res) => {
      req.session.started = true;
      res.end();
    });
    app.get('/reload', (req: AnyReq, res) => {
      store.clear(() => {
        req.session.reload((error: Error | null) => res.status(error ? 500 : 200).send(error?.message ?? 'ok'));
      });
    });
    const user = browser(app);
    await user.get('/start');
    const res = await user.get('/reload');
    expect(res.status).toBe(500);
    expect(res.text).toBe('failed to load session');
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

  it('serves requests without req.session while the store reports "disconnect", and with it after "connect"', async () => {
    const store = new MemoryStore();
    const events: string[] = [];
    const app = express();
    app.use(
      session({
        secret: README_SECRET,
        store,
        saveUninitialized: false,
        resave: false,
        custos: { onEvent: (e: { reason?: string }) => events.push(e.reason ?? '') },
      }),
    );
    app.get('/', (req: AnyReq, res) => res.send(typeof req.session));
    store.emit('disconnect');
    expect((await browser(app).get('/')).text).toBe('undefined');
    expect(events).toContain('store-disconnected');
    expect(hasWarned('CUSTOS_STORE_DISCONNECTED')).toBe(true);
    store.emit('connect');
    expect((await browser(app).get('/')).text).toBe('object');
  });

  it('re-sends the cookie of a rolling session on a streamed response (res.write() before res.end())', async () => {
    const app = express();
    app.use(session({ secret: README_SECRET, rolling: true, cookie: { maxAge: 60_000 }, saveUninitialized: false }));
    app.get('/', (req: AnyReq, res) => {
      req.session.user = 'ada';
      res.write('first chunk, ');
      setTimeout(() => res.end('last chunk'), 20);
    });
    const user = browser(app);
    expect((await user.get('/')).headers['set-cookie']).toBeDefined();
    const again = await user.get('/');
    expect(again.text).toBe('first chunk, last chunk');
    expect(String(again.headers['set-cookie'])).toMatch(/^connect\.sid=.*Expires=/);
  });

  it('sends no new cookie when a browser-session cookie is told `expires = null` again', async () => {
    const app = express();
    app.use(session({ secret: README_SECRET, cookie: { maxAge: 60_000 }, saveUninitialized: false }));
    app.get('/', (req: AnyReq, res) => {
      req.session.cookie.expires = null;
      req.session.hits = (req.session.hits ?? 0) + 1;
      res.send(String(req.session.hits));
    });
    const user = browser(app);
    const first = await user.get('/');
    expect(String(first.headers['set-cookie'])).not.toMatch(/Expires=|Max-Age=/);
    const second = await user.get('/');
    expect(second.text).toBe('2');
    expect(second.headers['set-cookie']).toBeUndefined();
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

  describe('saveUninitialized left unset', () => {
    const reasons = (events: string[]) => (e: { reason?: string }) => events.push(e.reason ?? '');

    it('means true, as in express-session: a first visit gets a cookie and keeps the id it was shown', async () => {
      const events: string[] = [];
      const app = express();
      app.use(session({ secret: README_SECRET, resave: false, custos: { onEvent: reasons(events) } }));
      app.get('/', (req: AnyReq, res) => res.send(`${req.sessionID} ${req.session.id}`));
      expect(events).toContain('save-uninitialized-default');
      expect(hasWarned('CUSTOS_SAVE_UNINITIALIZED_DEFAULT')).toBe(true);
      const visitor = browser(app);
      const first = await visitor.get('/');
      expect(String(first.headers['set-cookie'])).toMatch(/^connect\.sid=/);
      const [sessionID, id] = first.text.split(' ');
      // A cart or a socket.io room keyed by the first request's id finds the session later.
      expect(id).toBe(sessionID);
      expect((await visitor.get('/')).text).toBe(first.text);
      // Another visitor is another session.
      expect((await browser(app).get('/')).text).not.toBe(first.text);
    });

    it('stays false when written out: no cookie and no stored session for a visitor nothing was written for', async () => {
      const events: string[] = [];
      const store = new MemoryStore();
      const app = express();
      app.use(
        session({ secret: README_SECRET, store, saveUninitialized: false, custos: { onEvent: reasons(events) } }),
      );
      app.get('/', (req: AnyReq, res) => res.send(typeof req.sessionID));
      const res = await browser(app).get('/');
      expect(res.text).toBe('string');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await new Promise((resolve) => store.length((_e: unknown, n?: number) => resolve(n)))).toBe(0);
      expect(events).not.toContain('save-uninitialized-default');
    });
  });

  describe('cookie given as a function of the request', () => {
    const perArea = (req: { url?: string }) => {
      const area = /^\/([^/?]+)/.exec(req.url ?? '')?.[1];
      return { path: area ? `/${area}` : '/', sameSite: area === 'admin' ? 'strict' : 'lax', maxAge: 60_000 };
    };

    it("applies each request's path, SameSite and lifetime", async () => {
      const app = express();
      app.use(session({ secret: README_SECRET, resave: false, saveUninitialized: false, cookie: perArea }));
      app.use((req: AnyReq, res) => {
        if (req.session) req.session.seen = req.url;
        res.send(typeof req.session);
      });
      const admin = await request(app).get('/admin/users');
      const [line] = sessionSetCookies(admin.headers);
      expect(line?.attributes.get('path')).toBe('/admin');
      expect(line?.attributes.get('samesite')).toBe('Strict');
      // 60 s from when the cookie object was made; Max-Age counts whole seconds left.
      expect([59, 60]).toContain(Number(line?.attributes.get('max-age')));
      // Still Secure and HttpOnly: a function cannot switch those off.
      expect(line?.attributes.has('secure')).toBe(true);
      expect(line?.attributes.has('httponly')).toBe(true);
      const shop = sessionSetCookies((await request(app).get('/shop')).headers)[0];
      expect(shop?.attributes.get('path')).toBe('/shop');
      expect(shop?.attributes.get('samesite')).toBe('Lax');
    });

    it('is refused per request, as the static option is, when it asks for SameSite=None or an unsafe attribute', async () => {
      for (const bad of [{ sameSite: 'none' }, { httpOnly: false }, { path: '/; Domain=evil.example' }]) {
        const app = express();
        app.use(session({ secret: README_SECRET, saveUninitialized: false, cookie: () => bad }));
        app.use((_req, res) => res.send('reached'));
        app.use((error: { code?: string }, _req: express.Request, res: express.Response, _next: unknown) => {
          res.status(500).send(error.code ?? 'no code');
        });
        const res = await request(app).get('/');
        expect(res.text).toBe('INVALID_COOKIE_OPTION');
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });
  });

  describe('per-session cookie lifetime on a session that holds no data', () => {
    it('keeps `cookie.expires = null` with the session: no new cookie on the next request', async () => {
      const app = express();
      app.use(session({ secret: README_SECRET, saveUninitialized: true, cookie: { maxAge: 60_000 } }));
      app.get('/', (req: AnyReq, res) => {
        req.session.cookie.expires = null;
        res.end();
      });
      const visitor = browser(app);
      const first = await visitor.get('/');
      expect(String(first.headers['set-cookie'])).not.toMatch(/Expires=|Max-Age=/);
      expect((await visitor.get('/')).headers['set-cookie']).toBeUndefined();
    });

    it('sends an expiry already past as given, so the browser drops the cookie', async () => {
      const app = express();
      app.use(session({ secret: README_SECRET, saveUninitialized: true, cookie: { maxAge: 60_000 } }));
      app.get('/', (req: AnyReq, res) => {
        req.session.cookie.expires = new Date(0);
        res.end();
      });
      const [line] = sessionSetCookies((await request(app).get('/')).headers);
      expect(line?.attributes.get('expires')).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
      expect(line?.attributes.has('max-age')).toBe(false);
    });
  });

  it('refuses a header set after res.end() as plain Node does, while the end waits for the store', async () => {
    const lateHeader = (res: import('node:http').ServerResponse) => {
      res.end('done');
      try {
        res.setHeader('Content-Length', '99');
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code ?? 'no code';
      }
    };
    const seen: string[] = [];
    const plain = createServer((_req, res) => {
      seen.push(lateHeader(res));
    });
    const handler = session({ secret: README_SECRET, saveUninitialized: false });
    const withSession = createServer((req, res) =>
      handler(req as never, res as never, () => {
        (req as AnyReq).session.n = 1; // a store write the end has to wait for
        seen.push(lateHeader(res));
      }),
    );
    expect((await request(plain).get('/')).text).toBe('done');
    const res = await request(withSession).get('/');
    // The body arrives whole: the late Content-Length never reached the response.
    expect(res.text).toBe('done');
    expect(res.headers['set-cookie']).toBeDefined();
    expect(seen).toEqual(['ERR_HTTP_HEADERS_SENT', 'ERR_HTTP_HEADERS_SENT']);
  });

  it('sends no cookie and stores nothing when a session never stored is unset (unset destroy or keep)', async () => {
    for (const unset of ['destroy', 'keep']) {
      const store = new MemoryStore();
      const app = express();
      app.use(session({ secret: README_SECRET, store, unset, saveUninitialized: true }));
      app.get('/', (req: AnyReq, res) => {
        req.session = null;
        res.end('gone');
      });
      const res = await request(app).get('/');
      expect(res.text).toBe('gone');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await new Promise((resolve) => store.length((_e: unknown, n?: number) => resolve(n)))).toBe(0);
    }
  });

  describe('new Cookie(options)', () => {
    it('keeps the Date given as expires, and reports the time left as maxAge', () => {
      const at = new Date(Date.now() + 90_000);
      const cookie = new Cookie({ expires: at });
      expect(cookie.expires).toBe(at);
      expect(Math.abs((cookie.maxAge ?? 0) - 90_000)).toBeLessThan(1_000);
    });

    it('takes a Date as maxAge to mean "expire then"', () => {
      const at = new Date(Date.now() + 45_000);
      const cookie = new Cookie({ maxAge: at as unknown as number });
      expect(cookie.expires?.getTime()).toBe(at.getTime());
      expect(Math.abs((cookie.maxAge ?? 0) - 45_000)).toBeLessThan(1_000);
    });

    it('refuses a maxAge that is neither a number nor a Date', () => {
      for (const bad of ['42', true, () => 42]) {
        expect(() => new Cookie({ maxAge: bad as unknown as number })).toThrow(/maxAge/);
      }
    });

    it('keeps partitioned and priority as given and lists them in its data', () => {
      const cookie = new Cookie({ partitioned: true, priority: 'high' });
      expect(cookie.partitioned).toBe(true);
      expect(cookie.priority).toBe('high');
      expect(cookie.data).toMatchObject({ partitioned: true, priority: 'high' });
      expect(cookie.serialize('sid', 'v')).toMatch(/; Partitioned; Priority=High$/);
      expect(new Cookie({}).partitioned).toBeUndefined();
      expect(() => new Cookie({ priority: 'urgent' as never })).toThrow(/priority is invalid/);
    });
  });

  it('sends cookie.partitioned and cookie.priority on the session cookie, and not on the clearing cookie', async () => {
    const app = express();
    app.use(
      session({ secret: README_SECRET, saveUninitialized: false, cookie: { partitioned: true, priority: 'High' } }),
    );
    app.get('/in', (req: AnyReq, res) => {
      req.session.user = 'ada';
      res.send(JSON.stringify(req.session.cookie));
    });
    app.get('/out', (req: AnyReq, res) => req.session.destroy(() => res.end()));
    const user = browser(app);
    const login = await user.get('/in');
    const line = String(login.headers['set-cookie']);
    expect(line).toMatch(/^connect\.sid=[^;]+; .*Secure; HttpOnly; SameSite=Lax; Partitioned; Priority=High$/);
    expect(JSON.parse(login.text)).toMatchObject({ partitioned: true, priority: 'high' });
    const out = String((await user.get('/out')).headers['set-cookie']);
    expect(out).toMatch(/^connect\.sid=;/);
    expect(out).not.toMatch(/Partitioned|Priority/);
  });
});
