import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { legacyId, storedRecord as stored } from './helpers/legacy-stores.js';
import { browserOf, fleet, rollingDeployBackends } from './helpers/rolling-deploy.js';

const backends = rollingDeployBackends(['rollback', 'rollback-parallel', 'off']);

describe.each(backends)('custos.rollingDeploy next to real express-session on $label', (backend) => {
  it('rollback: custos without the mode → the mode on → express-session only keeps the user and the data', async () => {
    const store = backend.make('rollback');
    const { old, rolling, custosOnly } = await fleet(store);
    const b = browserOf();
    await b.post(custosOnly, '/login', { username: 'carol', password: 'carol-password' });
    await b.post(custosOnly, '/cart');
    const custosCookie = b.jar.cookies.get('connect.sid');
    expect(legacyId(custosCookie)).toBe('');
    const custosJar = b.jar.clone();
    // An instance in rolling mode turns the custos session back into an express-session one.
    expect((await b.get(rolling, '/me')).body).toEqual({ user: 'carol' });
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect(sid).not.toBe('');
    expect((await b.post(rolling, '/cart')).body).toHaveLength(2);
    // Only express-session from here on.
    expect((await b.get(old, '/me')).body).toEqual({ user: 'carol' });
    expect((await b.post(old, '/cart')).body).toHaveLength(3);
    // The custos copy is gone: the custos cookie from before opens nothing anywhere.
    expect((await browserOf(custosJar).get(custosOnly, '/me')).body).toEqual({ user: null });
  });

  it("a rollback of a browser's parallel requests makes one express-session copy, and signs nobody out", async () => {
    const store = backend.make('rollback-parallel');
    const { old, rolling, custosOnly } = await fleet(store);
    const b = browserOf();
    await b.post(custosOnly, '/login', { username: 'gus', password: 'gus-password' });
    const header = b.jar.header();
    const responses = await Promise.all(
      [0, 1, 2].map(() => request(rolling).post('/cart').set('cookie', header).type('form').send({})),
    );
    const ids = new Set(
      responses.map((r) => legacyId(/connect\.sid=([^;]+)/.exec(String(r.headers['set-cookie']))?.[1])),
    );
    expect([...ids].filter((id) => id !== '')).toHaveLength(1);
    for (const r of responses) b.jar.take(r.headers);
    expect((await b.get(old, '/me')).body).toEqual({ user: 'gus' });
    expect((await b.get(old, '/cart')).body.length).toBeGreaterThanOrEqual(1);
  });

  it('turning the mode off converts each session to custos on its next request, as without the mode', async () => {
    const store = backend.make('off');
    const { old, rolling, custosOnly } = await fleet(store);
    const b = browserOf();
    await b.post(old, '/login', { username: 'dan', password: 'dan-password' });
    await b.post(rolling, '/cart');
    await b.post(old, '/cart');
    const sid = legacyId(b.jar.cookies.get('connect.sid'));
    expect((await b.get(custosOnly, '/me')).body).toEqual({ user: 'dan' });
    expect(legacyId(b.jar.cookies.get('connect.sid'))).toBe('');
    expect((await b.get(custosOnly, '/cart')).body).toEqual(['book', 'book']);
    expect(await stored(store, sid)).toBeNull();
  });
});
