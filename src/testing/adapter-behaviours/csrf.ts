import assert from 'node:assert/strict';
import { assertCsrfVary } from './assertions.js';
import { type AdapterBehaviourContext, SAME_ORIGIN } from './harness.js';

/** Adapter scenarios: unsafe requests without the same origin and a valid token are refused before the handler. */
export function csrfBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('CSRF: cross-site or tokenless unsafe requests get 403 and change nothing; same-origin with token passes', () =>
    withApp({}, async ({ browser, store }) => {
      const b = browser();
      const form = await b.get('/csrf');
      const token = form.json().token as string;
      assert.ok(typeof token === 'string' && token.length > 20);
      // Checklist FIX-04: showing a form to a visitor without a session creates none; the
      // token is the pre-session one, bound to a host-only visitor cookie.
      assert.equal(b.cookie, undefined, 'a form token created a session');
      assert.equal(store.writes, 0, 'a form token wrote to the store');
      assert.ok(b.others.has('__Host-csrf'), 'no pre-session visitor cookie was set');
      assert.match(form.headers['cache-control'] ?? '', /no-store/);
      const crossSite = await b.post('/protected', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': token });
      assert.equal(crossSite.status, 403);
      assertCsrfVary(crossSite);
      assert.ok(crossSite.body.length < 200 && !crossSite.body.includes(token));
      assert.equal((await b.post('/protected', SAME_ORIGIN)).status, 403, 'a missing token is refused');
      assert.equal((await b.post('/protected', { ...SAME_ORIGIN, 'x-csrf-token': `${token}x` })).status, 403);
      assert.deepEqual((await b.get('/read')).json().data, {}, 'refused requests must not run the handler');
      const accepted = await b.post('/protected', { ...SAME_ORIGIN, 'x-csrf-token': token });
      assert.equal(accepted.status, 200);
      assertCsrfVary(accepted);
      assert.deepEqual((await b.get('/read')).json().data, { protected: 'ran' });
    }));
}
