import { describe, expect, it } from 'vitest';
import { buildBank, client, login } from './helpers/bank.js';

describe('fixation, timeouts, termination, re-authentication (checklist §3, §4, §5, §9)', () => {
  it('RA-01 RA-02 sensitive changes need authentication fresher than the window, measured from the server-side auth time', async () => {
    const bank = buildBank({ freshAuth: '5m' });
    const c = client(bank);
    const { jar, token } = await login(bank);
    bank.clock.advance(6 * 60_000);
    expect((await c.send('post', '/account/email', jar, { email: 'a@x', _csrf: token })).status).toBe(403);
    expect((await c.send('post', '/reauth', jar, { password: 'wrong', _csrf: token })).status).toBe(403);
    const before = jar.sid;
    await c.send('post', '/reauth', jar, { password: 'alice-pw', _csrf: token });
    expect(jar.sid).not.toBe(before);
    const t = await c.token(jar);
    bank.clock.advance(5 * 60_000 - 1000);
    expect((await c.send('post', '/account/email', jar, { email: 'a@x', _csrf: t })).status).toBe(200);
    bank.clock.advance(2000);
    expect((await c.send('post', '/account/email', jar, { email: 'b@x', _csrf: t, aal: '3' })).status).toBe(403);
  });
});
