import { afterEach, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../demo/server.js';
import { secretsEnv, TestClient } from './http-client.js';

const running: RunningDemo[] = [];
async function demoWith(env: Record<string, string> = {}): Promise<RunningDemo> {
  const demo = await startDemo({ port: 0, attackerPort: false, env: { ...secretsEnv(), ...env } });
  running.push(demo);
  return demo;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.close()));
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('login throttling (keyed on the account)', () => {
  it('after five failures the account answers 429 with Retry-After, even to the right password', async () => {
    const demo = await demoWith();
    const c = new TestClient(demo.bankUrl);
    for (let i = 0; i < 5; i++) expect((await c.login('alice', `wrong-${i}`)).status).toBe(401);
    const blocked = await c.login('alice', 'alice-correct-horse');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(c.sid).toBeUndefined();
    // Another client (another IP, in real life) is throttled too: the key is the account.
    expect((await new TestClient(demo.bankUrl).login('alice', 'alice-correct-horse')).status).toBe(429);
    // Other accounts are not affected.
    expect((await new TestClient(demo.bankUrl).login('bob', 'bob-battery-staple')).status).toBe(303);
    // After the wait, the right password works again.
    await sleep(Number(blocked.headers.get('retry-after')) * 1000 + 50);
    expect((await c.login('alice', 'alice-correct-horse')).status).toBe(303);
  });

  it('an unknown account is throttled exactly like a real one', async () => {
    const demo = await demoWith();
    const c = new TestClient(demo.bankUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.login('ghost', `guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('timeouts and fresh authentication', () => {
  it('POST /account/email needs authentication fresher than CUSTOS_FRESH_AUTH, else 403', async () => {
    const demo = await demoWith({ CUSTOS_FRESH_AUTH: '1s' });
    const c = new TestClient(demo.bankUrl);
    expect((await c.login('alice', 'alice-correct-horse')).status).toBe(303);
    expect((await c.post('/account/email', { email: 'fresh@example.com' }, '/settings')).status).toBe(303);
    await sleep(1_100);
    const stale = await c.post('/account/email', { email: 'stale@example.com' }, '/settings');
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain('action="/reauth"');
    expect(await (await c.request('/settings')).text()).toContain('fresh@example.com');
    expect((await c.post('/reauth', { password: 'alice-correct-horse', next: '/settings' }, '/settings')).status).toBe(
      303,
    );
    expect((await c.post('/account/email', { email: 'again@example.com' }, '/settings')).status).toBe(303);
    expect(await (await c.request('/settings')).text()).toContain('again@example.com');
  });

  it('revoking another device needs fresh authentication', async () => {
    const demo = await demoWith({ CUSTOS_FRESH_AUTH: '1s' });
    const a = new TestClient(demo.bankUrl);
    const b = new TestClient(demo.bankUrl);
    await a.login('bob', 'bob-battery-staple');
    await b.login('bob', 'bob-battery-staple');
    await sleep(1_100);
    expect((await a.post('/sessions/revoke-others', {}, '/sessions')).status).toBe(403);
    expect((await b.request('/api/account')).status).toBe(200);
  });

  it('CUSTOS_IDLE_TIMEOUT: an idle session is forgotten by the server', async () => {
    const demo = await demoWith({ CUSTOS_IDLE_TIMEOUT: '1s' });
    const c = new TestClient(demo.bankUrl);
    await c.login('alice', 'alice-correct-horse');
    const session = (await (await c.request('/api/session')).json()) as { idleExpiresAt: number; lastSeenAt: number };
    expect(session.idleExpiresAt - session.lastSeenAt).toBe(1_000);
    await sleep(1_200);
    expect((await c.request('/api/account')).status).toBe(401);
  });

  it('CUSTOS_ABSOLUTE_TIMEOUT ends a session however active it is', async () => {
    const demo = await demoWith({ CUSTOS_IDLE_TIMEOUT: '1s', CUSTOS_ABSOLUTE_TIMEOUT: '3s' });
    const c = new TestClient(demo.bankUrl);
    const start = Date.now();
    await c.login('alice', 'alice-correct-horse');
    // Active every 300 ms: the idle timeout never fires ...
    while (Date.now() - start < 1_800) {
      await sleep(300);
      expect((await c.request('/api/account')).status).toBe(200);
    }
    // ... but the absolute one does.
    await sleep(Math.max(0, start + 3_200 - Date.now()));
    expect((await c.request('/api/account')).status).toBe(401);
  });

  it('CUSTOS_MAX_SESSIONS_PER_USER evicts the oldest session', async () => {
    const demo = await demoWith({ CUSTOS_MAX_SESSIONS_PER_USER: '2' });
    const clients = [0, 1, 2].map(() => new TestClient(demo.bankUrl));
    for (const c of clients) {
      await c.login('alice', 'alice-correct-horse');
      await sleep(5);
    }
    expect((await clients[0]?.request('/api/account'))?.status).toBe(401);
    expect((await clients[1]?.request('/api/account'))?.status).toBe(200);
    expect((await clients[2]?.request('/api/account'))?.status).toBe(200);
  });
});

describe('configuration', () => {
  it('CUSTOS_ORIGIN replaces the default origin for the CSRF check', async () => {
    const demo = await demoWith({ CUSTOS_ORIGIN: 'https://bank.example' });
    const c = new TestClient(demo.bankUrl);
    const _csrf = await c.formToken('/login');
    const form = { username: 'alice', password: 'alice-correct-horse', _csrf };
    expect((await c.request('/login', { form })).status).toBe(403);
    expect((await c.request('/login', { form, headers: { origin: 'https://bank.example' } })).status).toBe(303);
  });

  it('TRUSTED_PROXIES decides whose X-Forwarded-For is believed', async () => {
    const seenIp = async (env: Record<string, string>) => {
      const demo = await demoWith(env);
      const c = new TestClient(demo.bankUrl);
      const _csrf = await c.formToken('/login');
      await c.request('/login', {
        form: { username: 'alice', password: 'alice-correct-horse', _csrf },
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      return (await (await c.request('/sessions')).text()).match(/class="muted">([0-9a-f.:]+)</)?.[1];
    };
    expect(await seenIp({ TRUSTED_PROXIES: 'loopback' })).toBe('203.0.113.9');
    expect(await seenIp({})).toBe('127.0.0.1');
  });

  it('rejects a bad environment at start-up', async () => {
    await expect(
      startDemo({ port: 0, attackerPort: false, env: { ...secretsEnv(), CUSTOS_STORE: 'ftp://x' } }),
    ).rejects.toThrow(/unknown store URL/);
    await expect(
      startDemo({ port: 0, attackerPort: false, env: { ...secretsEnv(), CUSTOS_SECRETS: 'short' } }),
    ).rejects.toThrow(/32 bytes/);
    await expect(
      startDemo({ port: 0, attackerPort: false, env: { ...secretsEnv(), CUSTOS_IDLE_TIMEOUT: 'soon' } }),
    ).rejects.toThrow(/idleTimeout/);
  });
});
