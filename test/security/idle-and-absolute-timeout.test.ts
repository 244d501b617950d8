import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory/index.js';
import { buildBank, client, login, sidCookie } from './helpers/bank.js';

describe('fixation, timeouts, termination, re-authentication (checklist §3, §4, §5, §9)', () => {
  it('TMO-01 TMO-05 idle timeout on the server: 0.9T fine, 2T later 401 with a clearing cookie', async () => {
    const store = memoryStore();
    const bank = buildBank({ store, idleTimeout: '10m', absoluteTimeout: '1h' });
    const c = client(bank);
    const { jar } = await login(bank);
    const id = (jar.sid as string).split('.')[0] as string;
    bank.clock.advance(9 * 60_000);
    expect((await c.get('/me', jar)).status).toBe(200);
    bank.clock.advance(11 * 60_000);
    const res = await c.get('/me', jar);
    expect(res.status).toBe(401);
    expect(sidCookie(res)?.attributes.get('max-age')).toBe('0');
    expect(await store.get(id)).toBeNull();
    expect(bank.events.some((e) => e.type === 'expired-idle')).toBe(true);
  });

  it('TMO-02 only successful activity slides the idle timer; CSRF-rejected posts do not', async () => {
    const bank = buildBank({ idleTimeout: '10m', absoluteTimeout: '12h' });
    const c = client(bank);
    const { jar } = await login(bank);
    for (let i = 0; i < 6; i++) {
      bank.clock.advance(5 * 60_000);
      expect((await c.get('/me', jar)).status).toBe(200);
    }
    const copy = jar.clone();
    for (let i = 0; i < 4; i++) {
      bank.clock.advance(5 * 60_000 - 1);
      expect((await c.send('post', '/transfer', copy, { _csrf: 'bad' })).status).toBe(403);
    }
    expect((await c.get('/me', copy)).status).toBe(401);
  });

  it('TMO-03 the absolute timeout holds whatever the activity; Infinity refuses to start', async () => {
    const bank = buildBank({ idleTimeout: '10m', absoluteTimeout: '30m' });
    const c = client(bank);
    const { jar } = await login(bank);
    for (let i = 0; i < 5; i++) {
      bank.clock.advance(5 * 60_000);
      expect((await c.get('/me', jar)).status).toBe(200);
    }
    bank.clock.advance(5 * 60_000 + 1);
    expect((await c.get('/me', jar)).status).toBe(401);
    expect(bank.events.some((e) => e.type === 'expired-absolute')).toBe(true);
    expect(() => buildBank({ absoluteTimeout: Number.POSITIVE_INFINITY })).toThrow(/absolute/);
  });

  it('TMO-04 rolling renewal keeps the absolute deadline; re-authentication resets it', async () => {
    const bank = buildBank({ idleTimeout: '10m', absoluteTimeout: '30m', renewAfter: '5m' });
    const c = client(bank);
    const { jar, token } = await login(bank);
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      bank.clock.advance(5 * 60_000);
      await c.get('/me', jar);
      ids.add(jar.sid as string);
    }
    expect(ids.size).toBeGreaterThan(1);
    bank.clock.advance(5 * 60_000 + 1);
    expect((await c.get('/me', jar)).status).toBe(401);

    const fresh = await login(bank);
    for (let i = 0; i < 5; i++) {
      bank.clock.advance(5 * 60_000);
      expect((await c.get('/me', fresh.jar)).status).toBe(200);
    }
    await c.send('post', '/reauth', fresh.jar, { password: 'alice-pw', _csrf: await c.token(fresh.jar) });
    bank.clock.advance(9 * 60_000);
    expect((await c.get('/me', fresh.jar)).status).toBe(200);
    expect(token).toBeTypeOf('string');
  });

  it('TMO-06 a store that never evicts does not keep a session alive past its deadlines', async () => {
    const store = memoryStore({ sweepInterval: 10 ** 9 });
    const bank = buildBank({ store, idleTimeout: '10m', absoluteTimeout: '1h' });
    const { jar } = await login(bank);
    const id = (jar.sid as string).split('.')[0] as string;
    bank.clock.advance(11 * 60_000);
    expect(await store.get(id)).not.toBeNull();
    expect((await client(bank).get('/me', jar)).status).toBe(401);
  });
});
