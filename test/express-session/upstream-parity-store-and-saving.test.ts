import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/adapters/express-session/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { browser } from './helpers/client.js';
import { README_SECRET } from './helpers/readme-app.js';
import { type AnyReq, session } from './helpers/upstream-parity.js';

describe('custos/express-session: what express-session itself promises', () => {
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
});
