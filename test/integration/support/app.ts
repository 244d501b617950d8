import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { sessionErrors, sessions } from '../../../src/adapters/express.js';
import { createSessions, type SessionManager } from '../../../src/core/manager.js';
import type { SessionOptions } from '../../../src/options.js';
import type { SessionStore } from '../../../src/stores/contract.js';
import { SECRET_A, SECRET_B } from '../../helpers/clock.js';
import { sessionCookieFrom, setCookies } from '../../helpers/cookies.js';

export type Data = { n?: number; [key: string]: unknown };

/** The keyring every instance in these tests shares, as app servers behind one load balancer do. */
export const SECRETS = [SECRET_A, SECRET_B] as const;

/** No request in these tests may take longer than this: a hang fails the test instead of stalling it. */
export const REQUEST_BOUND_MS = 25_000;

export function makeManager(store: SessionStore, options: Partial<SessionOptions> = {}): SessionManager<Data> {
  return createSessions<Data>({ secrets: SECRETS, store, ...options });
}

/** The smallest Express app that exercises the core: read, write, CAS increment, login, logout. */
export function integrationApp(manager: SessionManager<Data>) {
  const app = express();
  app.use(sessions(manager));
  app.use(express.json());
  app.get('/alive', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/me', (req, res) => {
    res.json({ user: req.session.userId, handle: req.session.handle, data: req.session.toJSON() });
  });
  app.post('/set/:key', (req, res) => {
    req.session.set(req.params.key as never, req.body.value as never);
    res.json({ ok: true });
  });
  app.post('/inc', async (req, res) => {
    const n = await req.session.update('n' as never, ((n: number | undefined) => (n ?? 0) + 1) as never);
    res.json({ n });
  });
  app.post('/login/:user', async (req, res) => {
    await req.session.login(req.params.user);
    res.json({ user: req.session.userId, handle: req.session.handle });
  });
  app.post('/logout', async (req, res) => {
    await req.session.destroy();
    res.json({ ok: true });
  });
  app.use(sessionErrors());
  return app;
}

/** One listening app instance with a tiny HTTP client bound to it (Host: localhost, bounded). */
export interface Instance {
  readonly manager: SessionManager<Data>;
  readonly server: Server;
  get(path: string, cookie?: string): request.Test;
  post(path: string, cookie?: string, body?: unknown): request.Test;
  /** Logs `user` in and returns the session cookie pair and public handle. */
  login(user: string, cookie?: string): Promise<{ cookie: string; handle: string }>;
  /** Who the cookie belongs to according to this instance (null = anonymous). */
  whoIs(cookie: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function startInstance(manager: SessionManager<Data>): Promise<Instance> {
  const server = createServer(integrationApp(manager));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const withCookie = (test: request.Test, cookie?: string) => {
    test.set('host', 'localhost').timeout(REQUEST_BOUND_MS);
    return cookie === undefined ? test : test.set('cookie', cookie);
  };
  const instance: Instance = {
    manager,
    server,
    get: (path, cookie) => withCookie(request(base).get(path), cookie),
    post: (path, cookie, body) => {
      const test = withCookie(request(base).post(path), cookie);
      return body === undefined ? test : test.send(body as object);
    },
    async login(user, cookie) {
      const res = await instance.post(`/login/${encodeURIComponent(user)}`, cookie);
      const issued = sessionCookieFrom(res.headers);
      if (res.status !== 200 || !issued) throw new Error(`login of ${user} failed with ${res.status}`);
      return { cookie: issued, handle: res.body.handle as string };
    },
    async whoIs(cookie) {
      const res = await instance.get('/me', cookie);
      if (res.status !== 200) throw new Error(`/me answered ${res.status}`);
      return res.body.user as string | null;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return instance;
}

export { sessionCookieFrom, setCookies };
