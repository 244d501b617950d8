import assert from 'node:assert/strict';
import { assertAnonymous } from './assertions.js';
import type { AdapterBehaviourContext } from './harness.js';

/** Adapter scenarios: a session cookie is issued only when something is stored, with the __Host- attributes, and reads cost no writes. */
export function cookieIssuingBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('a first visit that stores nothing sets no cookie and writes nothing', () =>
    withApp({}, async ({ browser, store }) => {
      const response = await browser().get('/read');
      assertAnonymous(response);
      assert.deepEqual(response.setCookie, []);
      assert.equal(store.writes, 0);
    }));

  it('the first write creates a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, no Max-Age', () =>
    withApp({}, async ({ browser }) => {
      const b = browser();
      const created = await b.post('/set/color/blue');
      assert.equal(created.status, 200);
      assert.equal(created.setCookie.length, 1);
      const cookie = created.sessionCookie;
      assert.ok(cookie && cookie.value.length > 20);
      assert.ok(cookie.attributes.has('secure'));
      assert.ok(cookie.attributes.has('httponly'));
      assert.equal(cookie.attributes.get('samesite')?.toLowerCase(), 'lax');
      assert.equal(cookie.attributes.get('path'), '/');
      assert.ok(!cookie.attributes.has('domain'));
      assert.ok(!cookie.attributes.has('max-age') && !cookie.attributes.has('expires'));
      assert.match(created.headers['cache-control'] ?? '', /no-store/);
      assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
    }));

  it('a read-only request with a valid session costs zero store writes and sets no cookie', () =>
    withApp({}, async ({ browser, store }) => {
      const b = browser();
      await b.post('/set/color/blue');
      store.resetWrites();
      for (let i = 0; i < 3; i++) {
        const read = await b.get('/read');
        assert.deepEqual(read.json().data, { color: 'blue' });
        assert.deepEqual(read.setCookie, []);
      }
      assert.equal(store.writes, 0);
    }));
}
