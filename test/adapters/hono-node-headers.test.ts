import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SessionEnv, sessions } from '../../src/adapters/hono.js';
import { createSessions } from '../../src/core/manager.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { rawRequest } from '../helpers/raw-http.js';

// On @hono/node-server the session layer reads Node's own header record, not the bridge's
// `Request` (building one per request was the largest cost custos added to a Hono read). A
// client may split its cookies over several Cookie lines (HTTP/2 "crumbs", RFC 9113 §8.2.3);
// they must be joined with "; " (RFC 6265 §5.4) wherever the headers come from.
describe('custos/hono on @hono/node-server reads the request headers Node parsed', () => {
  const manager = createSessions<{ n: number }>({ secrets: ['a'.repeat(32)], store: memoryStore() });
  const app = new Hono<SessionEnv<{ n: number }>>();
  app.use(sessions(manager));
  app.get('/set', (c) => {
    c.get('session').set('n', 41);
    return c.text('set');
  });
  app.get('/read', (c) => c.text(String(c.get('session').get('n') ?? 'none')));
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createAdaptorServer({ fetch: app.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('finds the session cookie sent on a second Cookie line', async () => {
    const first = await rawRequest(port, 'GET /set HTTP/1.1\r\nHost: localhost');
    const pair = /set-cookie: (__Host-sid=[^;]+)/i.exec(first.text)?.[1];
    expect(pair).toBeDefined();
    const split = await rawRequest(
      port,
      `GET /read HTTP/1.1\r\nHost: localhost\r\nCookie: theme=dark\r\nCookie: ${pair}`,
    );
    expect(split.status).toBe(200);
    expect(split.text.endsWith('41')).toBe(true);
    const joined = await rawRequest(port, `GET /read HTTP/1.1\r\nHost: localhost\r\nCookie: theme=dark; ${pair}`);
    expect(joined.text.endsWith('41')).toBe(true);
  });
});
