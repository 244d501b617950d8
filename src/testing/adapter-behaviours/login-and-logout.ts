import assert from 'node:assert/strict';
import { assertAnonymous, assertClearing } from './assertions.js';
import type { AdapterBehaviourContext } from './harness.js';

/** Adapter scenarios: login rotates the id and logout deletes the record and clears the cookie. */
export function loginAndLogoutBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('login rotates the id; the pre-login cookie no longer authenticates', () =>
    withApp({}, async ({ browser }) => {
      const b = browser();
      await b.post('/set/cart/apples');
      const before = b.cookie;
      const login = await b.post('/login/alice');
      assert.equal(login.status, 200);
      assert.ok(b.cookie && b.cookie !== before, 'login must issue a new session cookie');
      const after = (await b.get('/read')).json();
      assert.equal(after.userId, 'alice');
      assert.equal(after.authenticated, true);
      assert.deepEqual(after.data, { cart: 'apples' });
      const old = b.clone();
      old.cookie = before;
      const stale = await old.get('/read');
      assertAnonymous(stale);
      assertClearing(stale);
    }));

  it('logout deletes the record before the response, clears the cookie and sends Clear-Site-Data', () =>
    withApp({}, async ({ browser, store }) => {
      const b = browser();
      await b.post('/login/alice');
      const stolen = b.clone();
      assert.equal(await store.count?.(), 1);
      const logout = await b.post('/logout');
      assert.equal(logout.status, 200);
      assertClearing(logout);
      assert.match(logout.headers['clear-site-data'] ?? '', /"cookies"/);
      assert.equal(await store.count?.(), 0, 'the record must be gone when the response arrives');
      assertAnonymous(await stolen.get('/read'));
    }));
}
