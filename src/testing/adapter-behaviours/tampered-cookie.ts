import assert from 'node:assert/strict';
import { assertAnonymous, assertClearing } from './assertions.js';
import type { AdapterBehaviourContext } from './harness.js';

/** Adapter scenarios: a tampered or garbled cookie gives an anonymous session, never a 500. */
export function tamperedCookieBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('a tampered or garbled cookie gives an anonymous session, never a 500', () =>
    withApp({}, async ({ browser }) => {
      const b = browser();
      await b.post('/set/color/blue');
      const good = b.cookie as string;
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const variants = [
        flip(good, good.length - 1),
        flip(good, 3),
        good.slice(0, -5),
        `${good}.extra`,
        'garbage',
        '%E0%A4%A',
        'A'.repeat(3000),
      ];
      for (const value of variants) {
        const forged = b.clone();
        forged.cookie = value;
        const response = await forged.get('/read');
        assertAnonymous(response);
        const cookie = response.sessionCookie;
        assert.ok(cookie === undefined || cookie.value === '', 'a forged cookie must not be re-issued');
      }
      const forged = b.clone();
      forged.cookie = flip(good, good.length - 1);
      assertClearing(await forged.get('/read'));
      const fresh = await forged.post('/set/color/red');
      assert.equal(fresh.status, 200);
      assert.ok(forged.cookie && forged.cookie !== good);
      assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' }, 'the real session is untouched');
    }));
}
