import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import custosSession, { Cookie, Session } from '../../src/adapters/express-session/index.js';
import type { SessionEvent } from '../../src/vocabulary/events.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { manualClock } from '../helpers/clock.js';
import { browser } from './helpers/client.js';
import { sessionSetCookies } from './helpers/jar.js';
import { README_SECRET, readmeApp, type SessionFactory } from './helpers/readme-app.js';

const session = custosSession as unknown as SessionFactory;
// biome-ignore lint/suspicious/noExplicitAny: express-session's req.session is untyped data
type AnyReq = express.Request & { session: any; sessionID: unknown };

describe('custos/express-session: options and surface mean what they meant in express-session', () => {
  it('gives req.sessionID as a string on a first request, equal to the id once the session is stored', async () => {
    const app = express();
    app.use(session({ secret: README_SECRET, resave: false, saveUninitialized: false }));
    app.get('/', (req: AnyReq, res) => {
      const first = req.sessionID;
      const second = req.sessionID;
      req.session.seen = true;
      res.json({ first: typeof first, stable: first === second });
    });
    app.get('/again', (req: AnyReq, res) => res.json({ id: req.sessionID, sessionId: req.session.id }));
    const user = browser(app);
    expect((await user.get('/')).body).toEqual({ first: 'string', stable: true });
    const { id, sessionId } = (await user.get('/again')).body;
    expect(typeof id).toBe('string');
    expect(id).toBe(sessionId);
  });

  it('honours a cookie.maxAge under one second: Expires only (never Max-Age=0), gone after it', async () => {
    const clock = manualClock(Date.now());
    const app = readmeApp(session, { cookie: { maxAge: 500 }, custos: { clock } });
    const user = browser(app);
    const res = await user.get('/foo');
    const [cookie] = sessionSetCookies(res.headers);
    expect(cookie?.attributes.has('max-age')).toBe(false);
    expect(cookie?.attributes.has('expires')).toBe(true);
    expect((await user.get('/facts')).body.originalMaxAge).toBe(500);
    clock.advance(600);
    expect((await request(app).get('/foo').set('cookie', user.jar.header())).text).toBe('you viewed this page 1 times');
  });

  it('warns once, with an event, when a per-session cookie.maxAge is capped by the absolute timeout', async () => {
    const events: SessionEvent[] = [];
    const app = readmeApp(session, { custos: { onEvent: (e: SessionEvent) => events.push(e) } });
    const user = browser(app);
    await user.get('/foo');
    await user.get('/remember/1');
    expect(events.filter((e) => e.reason === 'cookie-maxage-capped')).toHaveLength(0);
    await user.get('/remember/720');
    expect(events.filter((e) => e.reason === 'cookie-maxage-capped')).toHaveLength(1);
    expect(hasWarned('CUSTOS_COOKIE_MAXAGE_CAPPED')).toBe(true);
  });

  it('warns when a stored session gains a user without regenerate(), not when it is regenerated', async () => {
    const events: SessionEvent[] = [];
    const app = readmeApp(session, { custos: { onEvent: (e: SessionEvent) => events.push(e) } });
    app.get('/naive-login/:user', (req: AnyReq, res) => {
      req.session.user = req.params.user;
      res.send('ok');
    });
    app.get('/naive-passport/:user', (req: AnyReq, res) => {
      req.session.passport = { user: req.params.user };
      res.send('ok');
    });
    const warned = () => events.filter((e) => e.reason === 'login-without-regenerate').length;
    const proper = browser(app);
    await proper.get('/foo');
    await proper.post('/login', { user: 'alice' });
    expect(warned()).toBe(0);
    const naive = browser(app);
    await naive.get('/foo');
    await naive.get('/naive-login/bob');
    expect(warned()).toBe(1);
    expect(hasWarned('CUSTOS_LOGIN_WITHOUT_REGENERATE')).toBe(true);
    const viaPassport = browser(app);
    await viaPassport.get('/foo');
    await viaPassport.get('/naive-passport/carol');
    expect(warned()).toBe(2);
  });

  it('sends an error thrown inside its chain to next(error): no unhandled rejection, no hung response', async () => {
    const middleware = custosSession({ secret: README_SECRET });
    const server = createServer((req, res) => {
      middleware(req, res, (error?: unknown) => {
        if (error) {
          res.statusCode = 500;
          res.end(`handled: ${(error as Error).message}`);
          return;
        }
        throw new Error('boom from a handler');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('handled: boom from a handler');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('exports Cookie and Session, as express-session does, and req.session is one', async () => {
    expect(custosSession.Cookie).toBe(Cookie);
    expect(custosSession.Session).toBe(Session);
    const app = express();
    app.use(session({ secret: README_SECRET }));
    app.get('/', (req: AnyReq, res) =>
      res.json([req.session instanceof Session, req.session.cookie instanceof Cookie]),
    );
    expect((await request(app).get('/')).body).toEqual([true, true]);
    // Built by hand with express-session's cookie options, as express-session's own code does.
    const cookie = new Cookie({ maxAge: 60_000, path: '/app', sameSite: 'strict' });
    expect(cookie.originalMaxAge).toBe(60_000);
    expect(cookie.maxAge).toBeGreaterThan(59_000);
    expect(cookie.expires?.getTime()).toBeGreaterThan(Date.now());
    expect(cookie.data).toMatchObject({ originalMaxAge: 60_000, path: '/app', sameSite: 'strict', httpOnly: true });
    expect(cookie.serialize('sid', 'a b')).toMatch(
      /^sid=a%20b; Max-Age=(59|60); Expires=.+; Path=\/app; Secure; HttpOnly; SameSite=Strict$/,
    );
    expect(new Cookie().maxAge).toBeNull();
  });

  it('with an explicit cookie.secure: false: Secure over HTTPS, a non-Secure cookie and a warning on plain HTTP', async () => {
    const events: SessionEvent[] = [];
    const app = readmeApp(session, {
      cookie: { secure: false },
      custos: { onEvent: (e: SessionEvent) => events.push(e) },
    });
    app.set('trust proxy', 'loopback');
    const warned = () => events.filter((e) => e.reason === 'cookie-over-plain-http').length;
    const overHttps = await request(app).get('/foo').set('host', 'app.example.com').set('x-forwarded-proto', 'https');
    expect(sessionSetCookies(overHttps.headers)[0]?.attributes.has('secure')).toBe(true);
    const onLoopback = await request(app).get('/foo');
    expect(sessionSetCookies(onLoopback.headers)[0]?.attributes.has('secure')).toBe(false);
    expect(warned()).toBe(0);
    const overHttp = await request(app).get('/foo').set('host', 'dev-box.lan:3000');
    const [cookie] = sessionSetCookies(overHttp.headers);
    expect(cookie?.value).not.toBe('');
    expect(cookie?.attributes.has('secure')).toBe(false);
    expect(warned()).toBe(1);
    expect(hasWarned('CUSTOS_COOKIE_NOT_SECURE')).toBe(true);
    // The session it set works on the next plain-HTTP request.
    const next = await request(app)
      .get('/foo')
      .set('host', 'dev-box.lan:3000')
      .set('cookie', `connect.sid=${cookie?.value}`);
    expect(next.text).toBe('you viewed this page 2 times');
  });

  it('puts the cookie on a streamed response (res.write() before res.end()), and stores the data', async () => {
    const app = express();
    app.use(session({ secret: README_SECRET, resave: false, saveUninitialized: false }));
    app.get('/stream', (req: AnyReq, res) => {
      req.session.views = (req.session.views ?? 0) + 1;
      res.write('views: ');
      setTimeout(() => res.end(String(req.session.views)), 20);
    });
    const user = browser(app);
    const first = await user.get('/stream');
    expect(first.text).toBe('views: 1');
    expect(sessionSetCookies(first.headers)).toHaveLength(1);
    expect((await user.get('/stream')).text).toBe('views: 2');
  });

  it('behind a proxy on another host: proxy: true and Express trust proxy (CIDR) each decide, as in express-session', async () => {
    /** The app as reached through a proxy at 10.0.0.5 (a container or load balancer) forwarding HTTPS. */
    const viaProxy = (options: Record<string, unknown>, trust?: string) => {
      const app = express();
      app.use((req, _res, next) => {
        Object.defineProperty(req.socket, 'remoteAddress', { value: '10.0.0.5', configurable: true });
        next();
      });
      if (trust !== undefined) app.set('trust proxy', trust);
      app.use(session({ secret: README_SECRET, resave: false, saveUninitialized: false, ...options }));
      app.get('/', (req: AnyReq, res) => {
        req.session.seen = true;
        res.send(req.ip);
      });
      return request(app)
        .get('/')
        .set('host', 'app.example.com')
        .set('x-forwarded-proto', 'https')
        .set('x-forwarded-for', '203.0.113.9');
    };
    const issued = async (r: ReturnType<typeof viaProxy>) => sessionSetCookies((await r).headers).length;
    expect(await issued(viaProxy({ proxy: true }))).toBe(1);
    expect(hasWarned('CUSTOS_PROXY_ANY_CLIENT')).toBe(true);
    expect(await issued(viaProxy({ proxy: true }, '10.0.0.0/8'))).toBe(1);
    expect(await issued(viaProxy({}, '10.0.0.0/8'))).toBe(1);
    expect((await viaProxy({}, '10.0.0.0/8')).text).toBe('203.0.113.9');
    expect(await issued(viaProxy({}, 'loopback'))).toBe(0);
    expect(await issued(viaProxy({ proxy: false }, '10.0.0.0/8'))).toBe(0);
  });
});
