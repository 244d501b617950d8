import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { csrf, sessions } from '../../src/adapters/fastify.js';
import { createSessions, type Session } from '../../src/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { cookieHeaderFrom, sessionCookieFrom } from '../helpers/cookies.js';

type Data = { n: number };
const asData = (session: unknown) => session as Session<Data>;

async function app(options: { csrf?: boolean } = {}) {
  const manager = createSessions<Data>({ secrets: [SECRET_A] });
  const fastify = Fastify();
  await fastify.register(sessions, { manager, csrf: options.csrf });
  fastify.get('/token', async (request) => ({ token: manager.csrfToken(asData(request.session)) }));
  fastify.post('/change', async (request) => {
    asData(request.session).set('n', 1);
    return { ok: true };
  });
  fastify.post('/guarded', { preHandler: csrf(manager) }, async () => ({ ok: true }));
  fastify.get('/account', async (request) => {
    request.session.requireFreshAuth();
    return { secret: 'account page' };
  });
  await fastify.ready();
  const token = await fastify.inject({ method: 'GET', url: '/token' });
  // The form token for a visitor without a session creates none (checklist FIX-04).
  expect(sessionCookieFrom(token.headers)).toBeUndefined();
  return { fastify, token: token.json().token as string, cookie: cookieHeaderFrom(token.headers) };
}

describe('custos/fastify specifics', () => {
  it('`csrf: true` protects every route, and the token may come in a JSON body field', async () => {
    const { fastify, token, cookie } = await app({ csrf: true });
    const site = { cookie, 'sec-fetch-site': 'same-origin' };
    expect((await fastify.inject({ method: 'POST', url: '/change', headers: site })).statusCode).toBe(403);
    const crossSite = { cookie, 'sec-fetch-site': 'cross-site' };
    expect(
      (await fastify.inject({ method: 'POST', url: '/change', headers: crossSite, payload: { _csrf: token } }))
        .statusCode,
    ).toBe(403);
    const accepted = await fastify.inject({ method: 'POST', url: '/change', headers: site, payload: { _csrf: token } });
    expect(accepted.statusCode).toBe(200);
    await fastify.close();
  });

  it('the csrf preHandler puts the form token in reply.locals, as Express does in res.locals', async () => {
    const manager = createSessions<Data>({ secrets: [SECRET_A] });
    const fastify = Fastify();
    await fastify.register(sessions, { manager });
    const locals = (reply: unknown) => (reply as { locals: { csrfToken: string } }).locals;
    fastify.get('/form', { preHandler: csrf(manager) }, async (_request, reply) => ({
      token: locals(reply).csrfToken,
    }));
    fastify.post('/form', { preHandler: csrf(manager) }, async (request) => {
      asData(request.session).set('n', 1);
      return { ok: true };
    });
    const form = await fastify.inject({ method: 'GET', url: '/form' });
    expect(form.statusCode).toBe(200);
    expect(sessionCookieFrom(form.headers)).toBeUndefined();
    const token = form.json().token as string;
    expect(token.length).toBeGreaterThan(20);
    const headers = { cookie: cookieHeaderFrom(form.headers), 'sec-fetch-site': 'same-origin' };
    const posted = await fastify.inject({ method: 'POST', url: '/form', headers, payload: { _csrf: token } });
    expect(posted.statusCode).toBe(200);
    expect(posted.headers.vary).toMatch(/Sec-Fetch-Site, Origin/);
    await fastify.close();
  });

  it('without `csrf: true` only routes with the csrf preHandler are checked', async () => {
    const { fastify, cookie } = await app();
    const crossSite = { cookie, 'sec-fetch-site': 'cross-site' };
    expect((await fastify.inject({ method: 'POST', url: '/change', headers: crossSite })).statusCode).toBe(200);
    expect((await fastify.inject({ method: 'POST', url: '/guarded', headers: crossSite })).statusCode).toBe(403);
    await fastify.close();
  });

  it('a custos error thrown by a route gets its status and a generic body, not the error message', async () => {
    const { fastify, cookie } = await app();
    const response = await fastify.inject({ method: 'GET', url: '/account', headers: { cookie } });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('Not signed in');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    await fastify.close();
  });
});
