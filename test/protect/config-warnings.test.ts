import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { csrf, sessionErrors, sessions } from '../../src/adapters/express.js';
import { createSessions } from '../../src/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { SECRET_A } from '../helpers/clock.js';

/**
 * A refusal caused by configuration prints, once per process, what to change (a bare 403 with
 * nothing logged is what a newcomer otherwise gets). The tests run in order: the first ones
 * check that attacks and ordinary refusals do not print the configuration hint.
 */
const printed: Array<{ code?: string; message: string }> = [];
const onWarning = (warning: Error & { code?: string }) => {
  if (warning.name === 'CustosWarning') printed.push({ code: warning.code, message: warning.message });
};
process.on('warning', onWarning);
afterAll(() => {
  process.off('warning', onWarning);
});

function app() {
  const manager = createSessions({ secrets: [SECRET_A], protect: { origins: ['http://localhost:3000'] } });
  const a = express();
  a.use(sessions(manager));
  a.post('/do', csrf(manager), (_req, res) => res.send('ok'));
  a.get('/write', (req, res) => {
    req.session.set('n' as never, 1 as never);
    res.send('ok');
  });
  a.use(sessionErrors());
  return http.createServer(a);
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('configuration refusals say what to change', () => {
  it('a cross-site Origin is refused without blaming the configuration', async () => {
    const res = await request(app()).post('/do').set({ host: 'localhost:3000', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    await flush();
    expect(hasWarned('custos-origin-not-configured')).toBe(false);
  });

  it('origin mismatch: the app opened on an address protect.origins does not list', async () => {
    const res = await request(app()).post('/do').set({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' });
    expect(res.status).toBe(403);
    await flush();
    const warning = printed.find((w) => w.code === 'custos-origin-not-configured');
    expect(warning?.message).toContain('add it to protect.origins');
    expect(warning?.message).toContain('http://127.0.0.1:3000');
    expect(warning?.message).toContain('http://localhost:3000');
  });

  it('HTTPS required: a session written over plain HTTP on a non-loopback host', async () => {
    const res = await request(app()).get('/write').set('host', 'app.internal');
    expect(res.status).toBe(403);
    await flush();
    const warning = printed.find((w) => w.code === 'custos-https-required');
    expect(warning?.message).toMatch(/trustedProxies/);
    expect(warning?.message).toMatch(/enforceHttps/);
  });

  it('proxy not trusted: X-Forwarded-Proto: https from a peer nobody trusted', async () => {
    const res = await request(app()).get('/write').set({ host: 'app.internal', 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(403);
    await flush();
    const warning = printed.find((w) => w.code === 'custos-forwarded-proto-untrusted-peer');
    expect(warning?.message).toMatch(/trust proxy/);
  });

  it('each warning is printed once per process', async () => {
    for (let i = 0; i < 3; i++) {
      await request(app()).post('/do').set({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' });
      await request(app()).get('/write').set({ host: 'app.internal', 'x-forwarded-proto': 'https' });
    }
    await flush();
    const codes = printed.map((w) => w.code);
    expect(codes.filter((c) => c === 'custos-origin-not-configured')).toHaveLength(1);
    expect(codes.filter((c) => c === 'custos-https-required')).toHaveLength(1);
    expect(codes.filter((c) => c === 'custos-forwarded-proto-untrusted-peer')).toHaveLength(1);
  });
});
