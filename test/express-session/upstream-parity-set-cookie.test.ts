import { createServer } from 'node:http';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Cookie } from '../../src/adapters/express-session/index.js';
import { browser } from './helpers/client.js';
import { sessionSetCookies } from './helpers/jar.js';
import { README_SECRET } from './helpers/readme-app.js';
import { type AnyReq, session } from './helpers/upstream-parity.js';

describe('custos/express-session: what express-session itself promises', () => {
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
