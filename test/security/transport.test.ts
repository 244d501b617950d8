import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { enforceHttps, sessions } from '../../src/adapters/express.js';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { httpsDecision, resolveHttpsOptions } from '../../src/protect/index.js';
import { SECRET_A } from '../helpers/clock.js';

function app(options: { trustedProxies?: string[]; hsts?: Parameters<typeof enforceHttps>[0]['hsts'] } = {}) {
  let handled = 0;
  const manager = createSessions({ secrets: [SECRET_A] });
  const a = express();
  a.use(enforceHttps({ host: 'bank.example', trustedProxies: options.trustedProxies ?? [], hsts: options.hsts }));
  a.use(sessions(manager, { trustedProxies: options.trustedProxies ?? [] }));
  a.get('/login', (req, res) => {
    handled++;
    req.session.set('seen' as never, true as never);
    res.send('form');
  });
  a.post('/api/echo', (_req, res) => {
    handled++;
    res.json({ ok: true });
  });
  a.get('/boom', () => {
    throw new Error('forced');
  });
  return { app: a, handled: () => handled };
}

describe('transport (checklist §8)', () => {
  it('TLS-01 plain-HTTP GET/HEAD → 308 to the configured host with the same path and query', async () => {
    const { app: a } = app();
    const get = await request(a).get('/a/b?x=1').set('host', 'bank.example');
    expect(get.status).toBe(308);
    expect(get.headers.location).toBe('https://bank.example/a/b?x=1');
    const head = await request(a).head('/a').set('host', 'bank.example');
    expect(head.status).toBe(308);
  });

  it('TLS-01 the redirect ignores a hostile Host header', async () => {
    const { app: a } = app();
    const res = await request(a).get('/').set('host', 'evil.example');
    expect(res.headers.location).toBe('https://bank.example/');
    const odd = await request(a).get('//evil.example/x').set('host', 'evil.example');
    expect(new URL(odd.headers.location as string).host).toBe('bank.example');
  });

  it('TLS-02 other methods over plain HTTP get 403 and the handler never runs', async () => {
    const { app: a, handled } = app();
    const res = await request(a).post('/api/echo').set('host', 'bank.example').send({ a: 1 });
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(handled()).toBe(0);
  });

  it('TLS-03 no session cookie is issued over plain HTTP, and a cookie sent over HTTP is not honoured', async () => {
    const { app: a, handled } = app();
    const res = await request(a).get('/login').set({ host: 'bank.example', cookie: '__Host-sid=x' });
    expect(res.status).toBe(308);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(handled()).toBe(0);
    // Without the redirect middleware the core still refuses: a plain-HTTP non-loopback request cannot get a cookie.
    const manager = createSessions({ secrets: [SECRET_A] });
    const bare = express();
    bare.use(sessions(manager));
    bare.get('/x', (req, res) => {
      try {
        req.session.set('a' as never, 1 as never);
        res.send('set');
      } catch (error) {
        res.status(403).send((error as { code: string }).code);
      }
    });
    const plain = await request(bare).get('/x').set('host', 'bank.example');
    expect(plain.text).toBe('HTTPS_REQUIRED');
    expect(plain.headers['set-cookie']).toBeUndefined();
  });

  it('TLS-04 exactly one HSTS header (≥1 year, includeSubDomains, no preload) on 200, 30x, 404 and 500 over HTTPS', async () => {
    const { app: a } = app({ trustedProxies: ['loopback'] });
    const https = { host: 'bank.example', 'x-forwarded-proto': 'https' };
    const responses = [
      await request(a).get('/login').set(https),
      await request(a).get('/missing').set(https),
      await request(a).get('/boom').set(https),
      await request(a).post('/api/echo').set(https).send({}),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 404, 500, 200]);
    for (const res of responses) {
      const value = res.headers['strict-transport-security'];
      expect(typeof value).toBe('string');
      expect(value).toBe('max-age=31536000; includeSubDomains');
    }
  });

  it('TLS-04 preload is opt-in; a max-age under a year is refused unless rolling out (with a warning)', () => {
    expect(resolveHttpsOptions({ host: 'bank.example', hsts: { preload: true } }).hsts).toBe(
      'max-age=31536000; includeSubDomains; preload',
    );
    expect(() => resolveHttpsOptions({ host: 'bank.example', hsts: { maxAge: 86400 } })).toThrow(/one year/);
    const events: SessionEvent[] = [];
    const rollout = resolveHttpsOptions({
      host: 'bank.example',
      hsts: { maxAge: 86400, rollout: true },
      onEvent: (e) => events.push(e),
    });
    expect(rollout.hsts).toBe('max-age=86400; includeSubDomains');
    expect(events.map((e) => e.reason)).toEqual(['hsts-max-age-under-one-year']);
    expect(() => resolveHttpsOptions({ host: 'https://bank.example/' })).toThrow(/host/);
  });

  it('TLS-05 no HSTS header over plain HTTP', async () => {
    const { app: a } = app();
    const res = await request(a).get('/').set('host', 'bank.example');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const decision = httpsDecision(
      { method: 'GET', url: '/', headers: {}, secure: false },
      resolveHttpsOptions({ host: 'bank.example' }),
    );
    expect(decision.action).toBe('redirect');
  });

  it('TLS-06 X-Forwarded-Proto from an untrusted peer is ignored; from a trusted proxy it counts', async () => {
    const untrusted = app();
    const spoofed = await request(untrusted.app)
      .get('/login')
      .set({ host: 'bank.example', 'x-forwarded-proto': 'https' });
    expect(spoofed.status).toBe(308);
    expect(spoofed.headers['set-cookie']).toBeUndefined();
    const trusted = app({ trustedProxies: ['loopback'] });
    const viaProxy = await request(trusted.app)
      .get('/login')
      .set({ host: 'bank.example', 'x-forwarded-proto': 'https' });
    expect(viaProxy.status).toBe(200);
    const cookie = String(viaProxy.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-sid=.*; Secure; HttpOnly; SameSite=Lax$/);
  });

  it('TLS-06 X-Forwarded-For from an untrusted peer never becomes the client address', async () => {
    const events: SessionEvent[] = [];
    const manager = createSessions({ secrets: [SECRET_A], onEvent: (e) => events.push(e) });
    const a = express();
    a.use(sessions(manager));
    a.get('/', (_req, res) => res.send('ok'));
    await request(a)
      .get('/')
      .set({
        'x-forwarded-for': '1.2.3.4',
        cookie: `__Host-sid=${'A'.repeat(22)}.${'B'.repeat(43)}.${'C'.repeat(22)}`,
      });
    const ips = events.map((e) => e.ip).filter(Boolean);
    expect(ips.length).toBeGreaterThan(0);
    expect(ips).not.toContain('1.2.3.4');
  });
});
