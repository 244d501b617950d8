import type { ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/adapters/express.js';
import session from '../../src/adapters/express-session/index.js';
import type { Session } from '../../src/core/session.js';
import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { browser } from './helpers/client.js';
import { sessionSetCookies } from './helpers/jar.js';

// On Express, custos/express-session reaches `req.sessionID`, `req.sessionStore` and its
// commit-before-end hooks through Express's shared prototypes (src/adapters/express-hooks.ts)
// from the second request of a process on; the first request of each Express copy wraps the
// objects themselves. Each test sends several requests so both paths run, and checks what an
// express-session app sees on every one of them.

type ExpressFactory = typeof express5;
// biome-ignore lint/suspicious/noExplicitAny: express-session's req.session is untyped data
type AnyReq = express5.Request & { session: any; sessionID: string; sessionStore: any };

const versions: Array<[string, ExpressFactory]> = [
  ['Express 5', express5],
  ['Express 4', express4 as unknown as ExpressFactory],
];
const REQUESTS = 4;

function appWith(express: ExpressFactory, options: Record<string, unknown> = {}) {
  const app = express();
  app.use(session({ secret: SECRET_A, resave: false, saveUninitialized: false, ...options }) as never);
  return app;
}

/** `res.end()`, then a header change: what Node says to it (it refuses once a response is sent). */
function lateHeader(res: ServerResponse, change: (res: ServerResponse) => void): string {
  res.end('done');
  try {
    change(res);
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
}

describe.each(versions)('custos/express-session on %s, through the shared prototypes', (_name, express) => {
  it('refuses setHeader, appendHeader and removeHeader after res.end() while the end waits for the store', async () => {
    const app = appWith(express);
    const seen: string[] = [];
    const changes: Array<(res: ServerResponse) => void> = [
      (res) => res.setHeader('Content-Length', '99'),
      (res) => res.appendHeader('x-late', '1'),
      (res) => res.removeHeader('content-type'),
    ];
    app.get('/n', (req, res) => {
      res.send(String((req as AnyReq).session.n));
    });
    app.get('/:n', (req, res) => {
      const n = Number(req.params.n);
      (req as AnyReq).session.n = n; // a store write the end has to wait for
      seen.push(lateHeader(res, changes[n % changes.length] as (res: ServerResponse) => void));
    });
    const user = browser(app);
    for (let n = 0; n < REQUESTS + 2; n++) {
      const res = await user.get(`/${n}`);
      // The body arrives whole: a late Content-Length never reached the response.
      expect(res.text).toBe('done');
      // The first write issues the cookie; every write is stored before the response ends.
      if (n === 0) expect(sessionSetCookies(res.headers)).toHaveLength(1);
      expect((await user.get('/n')).text).toBe(String(n));
    }
    expect(seen).toEqual(Array(REQUESTS + 2).fill('ERR_HTTP_HEADERS_SENT'));
  });

  it('answers a failed store write with the generic 503 on every request, the guard lifted for it', async () => {
    class FailingWrites extends session.Store {
      get(_sid: string, callback: (error: unknown, data?: unknown) => void) {
        callback(null, null);
      }
      set(_sid: string, _data: unknown, callback?: (error?: unknown) => void) {
        callback?.(new Error('disk full'));
      }
      destroy(_sid: string, callback?: (error?: unknown) => void) {
        callback?.();
      }
    }
    const app = appWith(express, { store: new FailingWrites() });
    const seen: string[] = [];
    app.get('/', (req, res) => {
      (req as AnyReq).session.n = 1;
      seen.push(lateHeader(res, (r) => r.setHeader('x-late', '1')));
    });
    for (let i = 0; i < REQUESTS; i++) {
      const res = await browser(app).get('/');
      expect(res.status).toBe(503);
      expect(res.text).not.toContain('disk full');
      expect(sessionSetCookies(res.headers)).toHaveLength(0);
    }
    expect(seen).toEqual(Array(REQUESTS).fill('ERR_HTTP_HEADERS_SENT'));
  });

  it('lets the app change headers after the session cookie went out, and after a read that writes nothing', async () => {
    const app = appWith(express);
    app.get('/write', (req, res) => {
      (req as AnyReq).session.n = 1;
      res.setHeader('x-before', 'yes');
      res.send('written');
    });
    app.get('/read', (req, res) => {
      res.send(String((req as AnyReq).session.n));
      // The read ended at once (nothing to store): Node's own answer, not custos's guard.
      res.locals.late = lateHeader(res, (r) => r.setHeader('x-late', '1'));
    });
    const user = browser(app);
    expect((await user.get('/write')).headers['x-before']).toBe('yes');
    for (let i = 0; i < REQUESTS; i++) expect((await user.get('/read')).text).toBe('1');
  });

  it('gives every request a string req.sessionID, the stored id once the session exists, and req.sessionStore', async () => {
    const app = appWith(express);
    app.get('/', (req, res) => {
      const r = req as AnyReq;
      const before = r.sessionID;
      r.session.seen = (r.session.seen ?? 0) + 1;
      res.json({
        before,
        again: r.sessionID === before,
        id: r.session.id ?? null,
        store: typeof r.sessionStore?.get,
        seen: r.session.seen,
        // Read through the prototype, not set on each request (the cheap path was taken).
        own: Object.hasOwn(r, 'sessionID') || Object.hasOwn(r, 'sessionStore'),
      });
    });
    const user = browser(app);
    const first = (await user.get('/')).body;
    expect(typeof first.before).toBe('string');
    expect(first.again).toBe(true);
    expect(first.store).toBe('function');
    const later = [];
    for (let i = 0; i < REQUESTS; i++) later.push((await user.get('/')).body);
    for (const [i, body] of later.entries()) {
      expect(body.seen).toBe(i + 2);
      expect(body.before).toBe(later[0].before);
      expect(body.id).toBe(body.before);
      expect(body.store).toBe('function');
      expect(body.own).toBe(false);
    }
  });

  it("ends the session when the handler runs `delete req.session` (unset: 'destroy')", async () => {
    const app = appWith(express, { unset: 'destroy' });
    app.get('/set', (req, res) => {
      (req as AnyReq).session.n = 7;
      res.send('set');
    });
    app.get('/get', (req, res) => {
      res.send(String((req as AnyReq).session.n ?? 'none'));
    });
    app.get('/unset', (req, res) => {
      delete (req as Partial<AnyReq>).session;
      res.send(String((req as Partial<AnyReq>).session));
    });
    for (let i = 0; i < REQUESTS; i++) {
      const user = browser(app);
      await user.get('/set');
      const held = user.jar.clone();
      expect((await user.get('/get')).text).toBe('7');
      expect((await user.get('/unset')).text).toBe('undefined');
      // The cookie the browser held before the unset opens nothing any more.
      expect((await browser(app, held).get('/get')).text).toBe('none');
    }
  });

  it('keeps custos/express and custos/express-session apart when both serve apps in one process', async () => {
    const native = express();
    native.use(sessions(createSessions({ secrets: [SECRET_A], store: memoryStore() })) as never);
    native.get('/', (req, res) => {
      const s = req.session as unknown as Session<{ n: number }>;
      s.set('n', (s.get('n') ?? 0) + 1);
      res.json({ n: s.get('n'), sessionID: (req as Partial<AnyReq>).sessionID ?? null });
    });
    const compat = appWith(express);
    compat.get('/', (req, res) => {
      const r = req as AnyReq;
      r.session.n = (r.session.n ?? 0) + 1;
      res.json({ n: r.session.n, regenerate: typeof r.session.regenerate, sessionID: typeof r.sessionID });
    });
    const a = browser(native);
    const b = browser(compat);
    for (let i = 1; i <= REQUESTS; i++) {
      expect((await a.get('/')).body).toEqual({ n: i, sessionID: null });
      expect((await b.get('/')).body).toEqual({ n: i, regenerate: 'function', sessionID: 'string' });
    }
  });
});
