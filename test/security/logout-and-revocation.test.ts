import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory/index.js';
import { buildBank, client, login } from './helpers/bank.js';

describe('fixation, timeouts, termination, re-authentication (checklist §3, §4, §5, §9)', () => {
  it('TRM-01 TRM-02 logout deletes the record before responding, clears the cookie and sends Clear-Site-Data', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const c = client(bank);
    const { jar, token } = await login(bank);
    const copy = jar.clone();
    const id = (jar.sid as string).split('.')[0] as string;
    const res = await c.send('post', '/logout', jar, { _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(await store.get(id)).toBeNull();
    expect((await c.get('/me', copy)).status).toBe(401);
  });

  it('TRM-03 GET /logout does nothing; a cross-site POST /logout is refused', async () => {
    const bank = buildBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    expect((await c.get('/logout', jar)).status).toBe(404);
    expect((await c.send('post', '/logout', jar, { _csrf: token }, { 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('TRM-04 a password change ends the other sessions and keeps the current one under a new id', async () => {
    const bank = buildBank();
    const c = client(bank);
    const s1 = await login(bank);
    const s2 = await login(bank);
    await c.send('post', '/password', s1.jar, { current: 'alice-pw', _csrf: s1.token });
    expect((await c.get('/me', s2.jar)).status).toBe(401);
    expect((await c.get('/me', s1.jar)).status).toBe(200);
  });

  it('TRM-05 listing shows handles, never tokens; revoking another needs fresh auth; revoke-all ends all', async () => {
    const bank = buildBank({ freshAuth: '5m' });
    const c = client(bank);
    const s1 = await login(bank);
    const s2 = await login(bank);
    const list = await c.get('/sessions', s1.jar);
    expect(list.body).toHaveLength(2);
    for (const jar of [s1.jar, s2.jar]) expect(list.text).not.toContain((jar.sid as string).split('.')[1]);
    const h2 = (s2.jar.sid as string).split('.')[0] as string;
    bank.clock.advance(6 * 60_000);
    expect((await c.send('post', `/sessions/${h2}/revoke`, s1.jar, { _csrf: s1.token })).status).toBe(403);
    await c.send('post', '/reauth', s1.jar, { password: 'alice-pw', _csrf: s1.token });
    const t = await c.token(s1.jar);
    expect((await c.send('post', `/sessions/${h2}/revoke`, s1.jar, { _csrf: t })).status).toBe(204);
    expect((await c.get('/me', s2.jar)).status).toBe(401);
    const s3 = await login(bank);
    expect((await c.send('post', '/sessions/revoke-all', s1.jar, { _csrf: t })).status).toBe(204);
    expect((await c.get('/me', s1.jar)).status).toBe(401);
    expect((await c.get('/me', s3.jar)).status).toBe(401);
  });

  it('TRM-06 admins revoke one user at once, and everyone globally; new logins still work', async () => {
    const bank = buildBank();
    const c = client(bank);
    const a1 = await login(bank, 'alice');
    const b1 = await login(bank, 'bob');
    const admin = await login(bank, 'admin');
    expect((await c.send('post', '/admin/users/alice/revoke', admin.jar, { _csrf: admin.token })).status).toBe(204);
    expect((await c.get('/me', a1.jar)).status).toBe(401);
    expect((await c.get('/me', b1.jar)).status).toBe(200);
    expect((await c.send('post', '/admin/revoke-all', admin.jar, { _csrf: admin.token })).status).toBe(204);
    expect((await c.get('/me', b1.jar)).status).toBe(401);
    expect((await c.get('/me', (await login(bank, 'bob')).jar)).status).toBe(200);
  });

  it('TRM-07 logout on one instance is seen at once by another instance on the same store', async () => {
    const store = memoryStore();
    const a = buildBank({ store });
    const b = buildBank({ store });
    const { jar, token } = await login(a);
    const copy = jar.clone();
    expect((await client(b).get('/me', copy)).status).toBe(200);
    await client(a).send('post', '/logout', jar, { _csrf: token });
    expect((await client(b).get('/me', copy)).status).toBe(401);
  });
});
