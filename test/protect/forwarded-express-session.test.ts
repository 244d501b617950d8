import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import session from '../../src/adapters/express-session/index.js';
import { PROXY_ADDRESS, sendThrough, startForwardingProxy } from '../helpers/forwarding-proxy.js';

/** custos/express-session behind a real appending reverse proxy, trusted the two ways it offers. */
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

async function behindProxy(trust: 'express' | 'custos', scheme: 'http' | 'https') {
  const app = express();
  if (trust === 'express') app.set('trust proxy', PROXY_ADDRESS);
  const custos = trust === 'custos' ? { trustedProxies: [PROXY_ADDRESS] } : undefined;
  app.use(
    session({ secret: 'a-secret-of-at-least-thirty-two-bytes!!', resave: false, saveUninitialized: false, custos }),
  );
  app.get('/visit', (req, res) => {
    (req as unknown as { session: Record<string, unknown> }).session.n = 1;
    res.send('ok');
  });
  const server: Server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = await startForwardingProxy((server.address() as AddressInfo).port, scheme);
  open.push(
    () => proxy.close(),
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return proxy;
}

const sessionCookie = (headers: http.IncomingHttpHeaders) =>
  (headers['set-cookie'] ?? []).find((c) => c.startsWith('connect.sid='));

describe('custos/express-session behind an appending reverse proxy', () => {
  for (const trust of ['express', 'custos'] as const) {
    it(`${trust} trust: the TLS-terminating proxy's X-Forwarded-Proto counts`, async () => {
      const proxy = await behindProxy(trust, 'https');
      const answer = await sendThrough(proxy.port, { path: '/visit', headers: { host: 'bank.example' } });
      expect(answer.status).toBe(200);
      expect(sessionCookie(answer.headers)).toBeDefined();
    });

    it(`${trust} trust: TLS-03 a plain-HTTP client's own X-Forwarded-Proto: https gets no session cookie`, async () => {
      const proxy = await behindProxy(trust, 'http');
      const answer = await sendThrough(proxy.port, {
        path: '/visit',
        headers: { host: 'bank.example', 'x-forwarded-proto': 'https' },
      });
      expect(sessionCookie(answer.headers)).toBeUndefined();
    });
  }
});
