import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { csrf, type SessionEnv, sessions } from '../../src/adapters/hono.js';
import { createSessions } from '../../src/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { cookieHeaderFrom, sessionCookieFrom } from '../helpers/cookies.js';

type Data = { who: string; note: string };

function app() {
  const manager = createSessions<Data>({ secrets: [SECRET_A] });
  const hono = new Hono<SessionEnv<Data>>();
  hono.use(sessions(manager));
  hono.get('/token', (c) => c.json({ token: manager.csrfToken(c.get('session')) }));
  hono.get('/form', csrf(manager), (c) => c.json({ token: c.get('csrfToken')?.() }));
  hono.post('/note', csrf(manager), async (c) => {
    const form = await c.req.parseBody();
    c.get('session').set('note', String(form.note));
    return c.json(c.get('session').toJSON());
  });
  hono.post('/login', async (c) => {
    await c.get('session').login('alice');
    return Response.redirect('http://localhost/', 303); // immutable headers
  });
  hono.get('/account', (c) => {
    c.get('session').requireFreshAuth();
    return c.text('account');
  });
  return { hono, manager };
}

describe('custos/hono specifics', () => {
  it('the `_csrf` form field is accepted and the route can still read the form', async () => {
    const { hono } = app();
    const first = await hono.request('/token');
    // The form token for a visitor without a session creates none (checklist FIX-04).
    expect(sessionCookieFrom(first.headers)).toBeUndefined();
    const cookie = cookieHeaderFrom(first.headers);
    const token = ((await first.json()) as { token: string }).token;
    const post = (site: string) =>
      hono.request('/note', {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': site },
        body: new URLSearchParams({ _csrf: token, note: 'hi' }),
      });
    expect((await post('cross-site')).status).toBe(403);
    const accepted = await post('same-origin');
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ note: 'hi' });
  });

  it("csrf() puts the form token in c.get('csrfToken'), and it works as the `_csrf` field", async () => {
    const { hono } = app();
    const form = await hono.request('/form');
    expect(form.status).toBe(200);
    expect(sessionCookieFrom(form.headers)).toBeUndefined();
    const token = ((await form.json()) as { token: string }).token;
    expect(token.length).toBeGreaterThan(20);
    const accepted = await hono.request('/note', {
      method: 'POST',
      headers: { cookie: cookieHeaderFrom(form.headers), 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ _csrf: token, note: 'from the view' }),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('vary')).toMatch(/Sec-Fetch-Site, Origin/);
    expect(await accepted.json()).toEqual({ note: 'from the view' });
  });

  it('a response with immutable headers (Response.redirect) still gets the new session cookie', async () => {
    const { hono } = app();
    const response = await hono.request('/login', { method: 'POST' });
    expect(response.status).toBe(303);
    expect(sessionCookieFrom(response.headers)).toMatch(/^__Host-sid=.+/);
  });

  it('a custos error thrown by a route gets its status and a generic body', async () => {
    const response = await app().hono.request('/account');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('Not signed in');
  });

  it('on @hono/node-server the client address comes from the socket', async () => {
    const { hono, manager } = app();
    const server = createAdaptorServer({ fetch: hono.fetch }) as Server;
    await request(server).post('/login');
    const [info] = await manager.listSessions('alice');
    expect(info?.ip).toBe('127.0.0.1');
  });
});
