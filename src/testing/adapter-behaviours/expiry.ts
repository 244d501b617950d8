import assert from 'node:assert/strict';
import { assertAnonymous, assertClearing } from './assertions.js';
import { type AdapterBehaviourContext, MINUTE } from './harness.js';

/** Adapter scenarios: the idle and absolute timeouts end a session on the server. */
export function expiryBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('the idle timeout ends a session on the server', () =>
    withApp({ idleTimeout: '30m', absoluteTimeout: '12h' }, async ({ browser, advance }) => {
      const b = browser();
      await b.post('/set/color/blue');
      advance(29 * MINUTE);
      assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
      advance(29 * MINUTE);
      assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' }, 'activity extends the idle window');
      advance(31 * MINUTE);
      const expired = await b.get('/read');
      assertAnonymous(expired);
      assertClearing(expired);
    }));

  it('the absolute timeout ends a session whatever the activity', () =>
    withApp({ idleTimeout: '30m', absoluteTimeout: '1h' }, async ({ browser, advance }) => {
      const b = browser();
      await b.post('/set/color/blue');
      for (const step of [20, 20, 19]) {
        advance(step * MINUTE);
        assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
      }
      advance(2 * MINUTE);
      const expired = await b.get('/read');
      assertAnonymous(expired);
      assertClearing(expired);
    }));
}
