import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory/index.js';
import { buildBank, client, Jar, login } from './helpers/bank.js';

describe('fixation, timeouts, termination, re-authentication (checklist §3, §4, §5, §9)', () => {
  it('FIX-01 login issues a new id and the pre-auth record is gone', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const c = client(bank);
    const jar = new Jar();
    await c.send('post', '/cart', jar, { item: 'a', _csrf: await c.token(jar) });
    const a = jar.clone();
    const preAuthId = (a.sid as string).split('.')[0] as string;
    await c.send('post', '/login', jar, { username: 'alice', password: 'alice-pw', _csrf: await c.token(jar) });
    expect(jar.sid).not.toBe(a.sid);
    expect((await c.get('/me', a)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
    expect(await store.get(preAuthId)).toBeNull();
  });

  it('FIX-02 re-authentication and password change rotate the id and end the old one', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    const b = jar.clone();
    await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: token });
    expect(jar.sid).not.toBe(b.sid);
    expect((await c.get('/me', b)).status).toBe(401);
    const cJar = jar.clone();
    await c.send('post', '/password', jar, { current: 'alice-pw', _csrf: await c.token(jar) });
    expect(jar.sid).not.toBe(cJar.sid);
    expect((await c.get('/me', cJar)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('FIX-03 an MFA-pending session is not signed in; completing MFA rotates the id', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank, 'mfa');
    expect((await c.get('/me', jar)).status).toBe(401);
    expect((await c.send('post', '/account/email', jar, { email: 'x', _csrf: token })).status).toBe(401);
    const p = jar.clone();
    await c.send('post', '/login/mfa', jar, { code: '123456', _csrf: token });
    expect(jar.sid).not.toBe(p.sid);
    expect((await c.get('/me', p)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('FIX-06 maxSessionsPerUser: evict-oldest ends S1; refuse keeps S1 and S2', async () => {
    const evict = buildBank({ maxSessionsPerUser: 2 });
    const c = client(evict);
    const s1 = await login(evict);
    evict.clock.advance(1000);
    const s2 = await login(evict);
    evict.clock.advance(1000);
    const s3 = await login(evict);
    expect((await c.get('/me', s1.jar)).status).toBe(401);
    expect((await c.get('/me', s2.jar)).status).toBe(200);
    expect((await c.get('/me', s3.jar)).status).toBe(200);
    expect(evict.events.some((e) => e.type === 'revoked' && e.reason === 'max-sessions')).toBe(true);

    const refuse = buildBank({ maxSessionsPerUser: 2, onMaxSessions: 'refuse' });
    const r = client(refuse);
    const r1 = await login(refuse);
    const r2 = await login(refuse);
    const jar = new Jar();
    const third = await r.send('post', '/login', jar, {
      username: 'alice',
      password: 'alice-pw',
      _csrf: await r.token(jar),
    });
    expect(third.status).toBe(403);
    expect(jar.sid).toBeUndefined();
    expect((await r.get('/me', r1.jar)).status).toBe(200);
    expect((await r.get('/me', r2.jar)).status).toBe(200);
  });
});
