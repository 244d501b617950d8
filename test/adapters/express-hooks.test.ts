import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/adapters/express.js';
import type { Session } from '../../src/core/session.js';
import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { sessionCookieFrom } from '../helpers/cookies.js';

// custos/express installs `req.session` and its commit-before-end hooks once on Express's shared
// prototypes (src/adapters/express-hooks.ts). These tests drive the cases where that shortcut
// could go wrong: sub-apps that switch prototypes, middleware that replaced or wraps `res.end`,
// an explicit `writeHead`, and other Express apps in the same process.

type ExpressFactory = typeof express5;
type App = ReturnType<ExpressFactory>;

const versions: Array<[string, ExpressFactory]> = [
  ['Express 5', express5],
  ['Express 4', express4 as unknown as ExpressFactory],
];

function manager() {
  return createSessions({ secrets: [SECRET_A], store: memoryStore() });
}

function get(app: App, path: string, cookie?: string) {
  // A response that never ends (hooks installed twice did that) fails here, not at the test timeout.
  const r = request(app).get(path).set('host', 'localhost').timeout(5000);
  return cookie ? r.set('cookie', cookie) : r;
}

/** Sets `n` through `setPath`, then reads it back through `getPath` with the issued cookie. */
async function roundTrip(app: App, setPath: string, getPath: string, value: string) {
  const set = await get(app, `${setPath}?n=${value}`);
  expect(set.status).toBe(200);
  const cookie = sessionCookieFrom(set.headers);
  expect(cookie).toBeDefined();
  const read = await get(app, getPath, cookie);
  expect(read.status).toBe(200);
  return { set, read: read.text };
}

/** The session as these tests use it: one string field `n` (the app's SessionData is not merged here). */
function counter(req: express5.Request): Session<{ n: string }> {
  return req.session as unknown as Session<{ n: string }>;
}

function setRoute(req: express5.Request, res: express5.Response) {
  counter(req).set('n', String(req.query.n));
  res.send('set');
}

function getRoute(req: express5.Request, res: express5.Response) {
  res.send(String(counter(req).get('n')));
}

describe.each(versions)('custos/express prototype hooks, %s', (_name, express) => {
  it('a write made in a mounted sub-app is stored (every request, not only the first)', async () => {
    const app = express();
    app.use(sessions(manager()));
    const sub = express();
    sub.get('/set', setRoute);
    app.use('/sub', sub);
    app.get('/get', getRoute);
    for (const value of ['first', 'second', 'third']) {
      expect((await roundTrip(app, '/sub/set', '/get', value)).read).toBe(value);
    }
  });

  it('custos mounted only inside a sub-app works, and the parent app sees no session', async () => {
    // Another app installs the hooks first. A mounted app's prototypes inherit from its parent
    // app's: the hooks must still sit on the shared base only (installed twice, they hung).
    const first = express();
    first.use(sessions(manager()));
    first.get('/set', setRoute);
    first.get('/get', getRoute);
    expect((await roundTrip(first, '/set', '/get', 'installed')).read).toBe('installed');
    const app = express();
    const sub = express();
    sub.use(sessions(manager()));
    sub.get('/set', setRoute);
    sub.get('/get', getRoute);
    app.use('/sub', sub);
    app.get('/outside', (req, res) => {
      res.send(typeof req.session);
    });
    for (const value of ['a', 'b']) {
      expect((await roundTrip(app, '/sub/set', '/sub/get', value)).read).toBe(value);
    }
    expect((await get(app, '/outside')).text).toBe('undefined');
  });

  it('custos in a sub-app of a sub-app works', async () => {
    const app = express();
    const middle = express();
    const inner = express();
    inner.use(sessions(manager()));
    inner.get('/set', setRoute);
    inner.get('/get', getRoute);
    middle.use('/inner', inner);
    app.use('/middle', middle);
    for (const value of ['deep1', 'deep2']) {
      expect((await roundTrip(app, '/middle/inner/set', '/middle/inner/get', value)).read).toBe(value);
    }
  });

  it('a middleware that replaced res.end before custos still gets the commit before the response', async () => {
    const app = express();
    app.use((_req, res, next) => {
      const end = res.end;
      res.end = function wrappedEnd(this: express5.Response, ...args: unknown[]) {
        this.setHeader('x-wrapped', 'yes');
        return (end as (...a: unknown[]) => express5.Response).apply(this, args);
      } as typeof res.end;
      next();
    });
    app.use(sessions(manager()));
    app.get('/set', setRoute);
    app.get('/get', getRoute);
    for (const value of ['x', 'y']) {
      const { set, read } = await roundTrip(app, '/set', '/get', value);
      expect(set.headers['x-wrapped']).toBe('yes');
      expect(read).toBe(value);
    }
  });

  it('a middleware after custos that wraps res.end (as compression does) keeps the commit', async () => {
    const app = express();
    app.use(sessions(manager()));
    let wrappedCalls = 0;
    app.use((_req, res, next) => {
      const end = res.end;
      res.end = function laterEnd(this: express5.Response, ...args: unknown[]) {
        wrappedCalls++;
        return (end as (...a: unknown[]) => express5.Response).apply(this, args);
      } as typeof res.end;
      next();
    });
    app.get('/set', setRoute);
    app.get('/get', getRoute);
    for (const value of ['p', 'q']) {
      expect((await roundTrip(app, '/set', '/get', value)).read).toBe(value);
    }
    expect(wrappedCalls).toBe(4);
  });

  it('an explicit writeHead carries the Set-Cookie and the write is stored', async () => {
    const app = express();
    app.use(sessions(manager()));
    app.get('/set', (req, res) => {
      counter(req).set('n', String(req.query.n));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('set');
    });
    app.get('/get', getRoute);
    for (const value of ['w1', 'w2']) {
      const { set, read } = await roundTrip(app, '/set', '/get', value);
      expect(set.headers['content-type']).toBe('text/plain');
      expect(read).toBe(value);
    }
  });

  it('other Express apps in the process keep their own req.session and plain responses', async () => {
    const custosApp = express();
    custosApp.use(sessions(manager()));
    custosApp.get('/set', setRoute);
    custosApp.get('/get', getRoute);
    expect((await roundTrip(custosApp, '/set', '/get', 'c')).read).toBe('c');

    const plain = express();
    plain.get('/', (req, res) => {
      res.send(typeof req.session);
    });
    const own = express();
    own.use((req, _res, next) => {
      (req as { session: unknown }).session = { library: 'other' };
      next();
    });
    own.get('/', (req, res) => {
      res.json(req.session);
    });
    for (let i = 0; i < 2; i++) {
      const plainRes = await get(plain, '/');
      expect(plainRes.text).toBe('undefined');
      expect(plainRes.headers['set-cookie']).toBeUndefined();
      expect((await get(own, '/')).body).toEqual({ library: 'other' });
    }
    // The custos app still works after the others ran.
    expect((await roundTrip(custosApp, '/set', '/get', 'd')).read).toBe('d');
  });

  it('parallel requests each commit their own session', async () => {
    const app = express();
    app.use(sessions(manager()));
    app.get('/set', setRoute);
    app.get('/get', getRoute);
    const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
    const sets = await Promise.all(values.map((v) => get(app, `/set?n=${v}`)));
    const cookies = sets.map((s) => sessionCookieFrom(s.headers));
    expect(new Set(cookies).size).toBe(values.length);
    const reads = await Promise.all(cookies.map((c) => get(app, '/get', c)));
    expect(reads.map((r) => r.text)).toEqual(values);
  });
});
