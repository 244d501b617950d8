import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildBank, client, Jar, login, sidCookie } from './helpers/bank.js';

const FRAMEWORK_NAMES = ['connect.sid', 'PHPSESSID', 'JSESSIONID', 'ASP.NET_SessionId'];
const randomId = () =>
  `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

describe('tokens and cookies (checklist §1, §2)', () => {
  it('TOK-01 ids are unique, carry ≥128 random bits, with no shared prefix', async () => {
    const bank = buildBank();
    const values = new Set<string>();
    for (let i = 0; i < 60; i++) values.add((await login(bank, 'alice')).jar.sid as string);
    expect(values.size).toBe(60);
    for (const v of values) {
      const [id, secret] = v.split('.') as [string, string];
      expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(Buffer.from(id, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
    const firsts = new Set([...values].map((v) => v.slice(0, 3)));
    expect(firsts.size).toBeGreaterThan(50);
  });

  it('TOK-02 the cookie value carries no user id, JSON or timestamp', async () => {
    const bank = buildBank();
    const { jar } = await login(bank, 'alice');
    const value = jar.sid as string;
    for (const part of value.split('.')) {
      const decoded = Buffer.from(part, 'base64url').toString('latin1');
      expect(decoded).not.toContain('alice');
      expect(() => JSON.parse(decoded)).toThrow();
      expect(decoded).not.toContain(String(bank.clock()).slice(0, 8));
    }
  });

  it('TOK-03 an attacker-chosen id is never adopted: 401, a different id on login, unknown-id event', async () => {
    const bank = buildBank();
    const c = client(bank);
    const planted = new Jar();
    const attacker = randomId();
    planted.cookies.set('__Host-sid', attacker);
    expect((await c.get('/me', planted)).status).toBe(401);
    const { jar } = await login(bank, 'alice', planted);
    expect(jar.sid).not.toBe(attacker);
    const replay = new Jar();
    replay.cookies.set('__Host-sid', attacker);
    expect((await c.get('/me', replay)).status).toBe(401);
    expect(bank.events.some((e) => e.type === 'tampered' || e.type === 'unknown-id')).toBe(true);
  });

  it('TOK-04 hostile cookie values give 401, never 5xx, never reflected; duplicate names are refused', async () => {
    const bank = buildBank();
    const c = client(bank);
    for (const bad of [
      'A'.repeat(5000),
      "' OR '1'='1",
      '../../etc/passwd',
      '%00',
      '%F0%9F%8D%AA',
      '{"$ne":null}',
      '',
    ]) {
      const jar = new Jar();
      jar.cookies.set('__Host-sid', bad);
      const res = await c.get('/me', jar);
      expect(res.status).toBe(401);
      if (bad) expect(res.text + JSON.stringify(res.headers)).not.toContain(bad);
    }
    const { jar } = await login(bank);
    const victim = jar.sid as string;
    const attacker = (await login(bank, 'bob')).jar.sid as string;
    for (const header of [
      `__Host-sid=${victim}; __Host-sid=${attacker}`,
      `__Host-sid=${attacker}; __Host-sid=${victim}`,
    ]) {
      const res = await c.get('/me', undefined, { cookie: header });
      expect(res.status).toBe(401);
    }
    expect(bank.events.some((e) => e.type === 'duplicate-cookie')).toBe(true);
  });

  it('TOK-05 a flipped id, flipped MAC, stripped MAC or swapped id all give 401', async () => {
    const bank = buildBank();
    const c = client(bank);
    const [id, secret, mac] = ((await login(bank)).jar.sid as string).split('.') as [string, string, string];
    const [otherId] = ((await login(bank, 'bob')).jar.sid as string).split('.') as [string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const forged of [
      `${flip(id)}.${secret}.${mac}`,
      `${id}.${secret}.${flip(mac)}`,
      `${id}.${secret}`,
      `${otherId}.${secret}.${mac}`,
    ]) {
      const jar = new Jar();
      jar.cookies.set('__Host-sid', forged);
      expect((await c.get('/me', jar)).status).toBe(401);
    }
  });

  it('TOK-06 the default cookie name is generic and __Host- prefixed', async () => {
    const bank = buildBank();
    const { res } = await login(bank);
    const cookie = sidCookie(res);
    expect(cookie?.name).toMatch(/^__Host-/);
    expect(FRAMEWORK_NAMES).not.toContain(cookie?.name);
  });
});
