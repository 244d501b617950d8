import http from 'node:http';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { csrf, sessions } from '../../src/adapters/koa.js';
import { createSessions, type Session } from '../../src/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { cookieHeaderFrom, sessionCookieFrom } from '../helpers/cookies.js';

function app() {
  const manager = createSessions<{ n: number }>({ secrets: [SECRET_A] });
  const koa = new Koa();
  koa.silent = true;
  koa.use(sessions(manager));
  // A minimal form parser standing in for koa-bodyparser: csrf() reads ctx.request.body.
  koa.use(async (ctx, next) => {
    if (ctx.is('application/x-www-form-urlencoded')) {
      let raw = '';
      for await (const chunk of ctx.req) raw += chunk;
      (ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(raw));
    }
    await next();
  });
  koa.use(csrf(manager));
  koa.use((ctx) => {
    const session = ctx.session as unknown as Session<{ n: number }>;
    if (ctx.path === '/account') session.requireFreshAuth();
    if (ctx.method === 'POST') session.set('n', 1);
    ctx.body = { token: ctx.state.csrfToken as string, n: session.get('n') ?? 0 };
  });
  return http.createServer(koa.callback());
}

describe('custos/koa specifics', () => {
  it('ctx.state.csrfToken works as the `_csrf` form field; a cross-site form post is refused', async () => {
    const server = app();
    const first = await request(server).get('/');
    // The form token for a visitor without a session creates none (checklist FIX-04).
    expect(sessionCookieFrom(first.headers)).toBeUndefined();
    const cookie = cookieHeaderFrom(first.headers);
    const token = first.body.token as string;
    const form = (site: string) =>
      request(server).post('/').set('cookie', cookie).set('sec-fetch-site', site).type('form').send({ _csrf: token });
    expect((await form('cross-site')).status).toBe(403);
    const accepted = await form('same-origin');
    expect(accepted.status).toBe(200);
    expect(accepted.body.n).toBe(1);
  });

  it('a custos error thrown downstream gets its status and a generic body', async () => {
    const response = await request(app()).get('/account');
    expect(response.status).toBe(401);
    expect(response.text).toBe('Not signed in');
  });
});
