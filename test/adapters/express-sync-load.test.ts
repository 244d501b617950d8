import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/adapters/express.js';
import { CustosError, createSessions, type SessionEvent, type SessionStore } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { sessionCookieFrom } from '../helpers/cookies.js';

// Issue 20: an in-process store (getSync) loads the session and calls next() in the same tick,
// with no promise hop in between. Observed from the outside: a microtask queued just before
// custos has not run yet when the next middleware sees req.session.

type Data = { n: number };

function build(store: SessionStore, options: { passErrors?: boolean; clock?: () => number } = {}) {
  const events: SessionEvent[] = [];
  const seen: Array<{ sameTick: boolean; n: unknown; user: unknown }> = [];
  const manager = createSessions<Data>({
    secrets: [SECRET_A],
    store,
    onEvent: (e) => events.push(e),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = express();
  let sameTick = false;
  app.use((_req, _res, next) => {
    sameTick = true;
    queueMicrotask(() => {
      sameTick = false;
    });
    next();
  });
  app.use(sessions(manager, { passErrors: options.passErrors === true }));
  app.use((req, _res, next) => {
    seen.push({ sameTick, n: req.session.get('n' as never), user: req.session.userId });
    next();
  });
  app.post('/login', async (req, res) => {
    await req.session.login('ada');
    req.session.set('n' as never, 7 as never);
    res.json({ ok: true });
  });
  app.get('/read', (req, res) => {
    req.session.set('n' as never, (((req.session.get('n' as never) as number | undefined) ?? 0) + 1) as never);
    res.json({ n: req.session.get('n' as never) });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(599).json({ code: error instanceof CustosError ? error.code : 'other' });
  });
  return { app, events, seen, manager };
}

async function loggedIn(app: express.Express): Promise<string> {
  const login = await request(app).post('/login').expect(200);
  const cookie = sessionCookieFrom(login.headers);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

describe('express: same-tick load for in-process stores', () => {
  it('hands a stored session to the next middleware before any microtask runs, and never calls get()', async () => {
    const store = memoryStore();
    let asyncGets = 0;
    const get = store.get.bind(store);
    store.get = (id) => {
      asyncGets += 1;
      return get(id);
    };
    const { app, seen } = build(store);
    const cookie = await loggedIn(app);
    seen.length = 0;
    const first = await request(app).get('/read').set('Cookie', cookie).expect(200);
    expect(first.body).toEqual({ n: 8 });
    const second = await request(app).get('/read').set('Cookie', cookie).expect(200);
    expect(second.body).toEqual({ n: 9 });
    expect(seen).toEqual([
      { sameTick: true, n: 7, user: 'ada' },
      { sameTick: true, n: 8, user: 'ada' },
    ]);
    expect(asyncGets).toBe(0);
  });

  it('a store without getSync still loads through the promise path', async () => {
    const inner = memoryStore();
    const store: SessionStore = new Proxy(inner, {
      get: (target, prop) =>
        prop === 'getSync'
          ? undefined
          : (Reflect.get(target, prop) as unknown as { bind?: unknown }) &&
              typeof Reflect.get(target, prop) === 'function'
            ? (Reflect.get(target, prop) as (...a: unknown[]) => unknown).bind(target)
            : Reflect.get(target, prop),
    });
    const { app, seen } = build(store);
    const cookie = await loggedIn(app);
    seen.length = 0;
    await request(app).get('/read').set('Cookie', cookie).expect(200, { n: 8 });
    expect(seen).toEqual([{ sameTick: false, n: 7, user: 'ada' }]);
  });

  it('a throwing getSync fails closed: 503 by default, next(error) with passErrors, a store-error event', async () => {
    for (const passErrors of [false, true]) {
      const store = memoryStore();
      const { app, events, seen } = build(store, { passErrors });
      const cookie = await loggedIn(app);
      store.getSync = () => {
        throw new Error('disk on fire');
      };
      seen.length = 0;
      const res = await request(app).get('/read').set('Cookie', cookie);
      if (passErrors) expect(res.status === 599 && res.body).toEqual({ code: 'STORE_UNAVAILABLE' });
      else expect(res.status).toBe(503);
      expect(seen).toEqual([]);
      expect(events.some((e) => e.type === 'store-error')).toBe(true);
    }
  });

  it('an idle-expired session on the same-tick path is destroyed, reported, and replaced by an anonymous one', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const store = memoryStore();
    const { app, events, seen } = build(store, { clock: () => now });
    const cookie = await loggedIn(app);
    now += 400 * 24 * 3600 * 1000;
    seen.length = 0;
    await request(app).get('/read').set('Cookie', cookie).expect(200, { n: 1 });
    expect(seen).toEqual([{ sameTick: false, n: undefined, user: null }]);
    expect(events.some((e) => e.type === 'expired-absolute' || e.type === 'expired-idle')).toBe(true);
  });
});
