import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildBank, client, Jar } from './helpers/bank.js';

const wellFormed = () =>
  `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

async function uaSession(bank: ReturnType<typeof buildBank>) {
  const c = client(bank);
  const jar = new Jar();
  await c.send(
    'post',
    '/login',
    jar,
    { username: 'alice', password: 'alice-pw', _csrf: await c.token(jar) },
    {
      'user-agent': 'Firefox/140',
    },
  );
  return { c, jar };
}

describe('limits and signals (checklist BF-07, OPT-1)', () => {
  it('BF-07 random ids from one client raise guessing-suspected once past the threshold; valid sessions unaffected', async () => {
    const bank = buildBank({ protect: { origins: ['https://bank.example'], guessing: { threshold: 10 } } });
    const c = client(bank);
    const { jar } = await uaSession(bank);
    for (let i = 0; i < 30; i++) {
      const j = new Jar();
      j.cookies.set('__Host-sid', wellFormed());
      expect((await c.get('/me', j)).status).toBe(401);
    }
    const alerts = bank.events.filter((e) => e.type === 'guessing-suspected');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.ip).toBe('127.0.0.1');
    expect(bank.manager.guessCount('127.0.0.1')).toBe(30);
    expect((await c.get('/me', jar, { 'user-agent': 'Firefox/140' })).status).toBe(200);
    bank.clock.advance(11 * 60_000);
    expect(bank.manager.guessCount('127.0.0.1')).toBe(0);
  });

  it('OPT-1 hijack policy "event": a changed user agent is reported, the session continues', async () => {
    const bank = buildBank();
    const { c, jar } = await uaSession(bank);
    expect((await c.get('/me', jar, { 'user-agent': 'curl/8' })).status).toBe(200);
    const e = bank.events.find((x) => x.type === 'hijack-suspected');
    expect(e?.reason).toBe('user-agent-changed');
    expect(e?.userId).toBe('alice');
  });

  it('OPT-1 hijack policy "destroy": the session ends (401) for everyone holding it', async () => {
    const bank = buildBank({ protect: { origins: ['https://bank.example'], hijack: 'destroy' } });
    const { c, jar } = await uaSession(bank);
    const copy = jar.clone();
    expect((await c.get('/me', jar, { 'user-agent': 'curl/8' })).status).toBe(401);
    expect((await c.get('/me', copy, { 'user-agent': 'Firefox/140' })).status).toBe(401);
  });

  it('OPT-1 hijack policy "reauth": the login becomes pending until reauthenticate()', async () => {
    const bank = buildBank({ protect: { origins: ['https://bank.example'], hijack: 'reauth' } });
    const { c, jar } = await uaSession(bank);
    expect((await c.get('/me', jar, { 'user-agent': 'curl/8' })).status).toBe(401);
    expect((await c.get('/me', jar, { 'user-agent': 'Firefox/140' })).status).toBe(401);
    const t = await c.token(jar);
    await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: t }, { 'user-agent': 'curl/8' });
    expect((await c.get('/me', jar, { 'user-agent': 'curl/8' })).status).toBe(200);
  });

  it('OPT-1 hijack policy "off": nothing is reported', async () => {
    const bank = buildBank({ protect: { origins: ['https://bank.example'], hijack: 'off' } });
    const { c, jar } = await uaSession(bank);
    await c.get('/me', jar, { 'user-agent': 'curl/8' });
    expect(bank.events.some((e) => e.type === 'hijack-suspected')).toBe(false);
  });

  it('config: secure:false warns once (config-warning) when used on a non-loopback host', async () => {
    const bank = buildBank({ cookie: { secure: false } });
    const c = client(bank);
    await c.get('/me');
    await c.get('/me');
    const warnings = bank.events.filter((e) => e.type === 'config-warning');
    expect(warnings.map((w) => w.reason)).toEqual(['cookie-secure-false-outside-loopback']);
  });
});
