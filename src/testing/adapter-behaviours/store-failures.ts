import assert from 'node:assert/strict';
import { sessionErrorBody } from '../../vocabulary/failure-text.js';
import { assertGenericFailure } from './assertions.js';
import type { AdapterBehaviourContext } from './harness.js';

/** Adapter scenarios: a store outage or an update conflict gives a generic answer and the session survives it. */
export function storeFailureBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('a store outage gives a generic 503 (rejecting or hanging), and the session survives it', () =>
    withApp({ storeTimeout: 100 }, async ({ browser, store }) => {
      const b = browser();
      await b.post('/set/color/blue');
      store.fault = 'reject';
      assertGenericFailure(await b.get('/read'), 503);
      store.fault = 'hang';
      assertGenericFailure(await b.get('/read'), 503);
      assertGenericFailure(await browser().post('/set/color/red'), 503);
      store.fault = 'reject-writes';
      assertGenericFailure(await b.post('/inc'), 503);
      assertGenericFailure(await browser().post('/set/color/green'), 503);
      store.fault = 'ok';
      assert.deepEqual((await b.get('/read')).json().data, { color: 'blue' });
    }));

  it('a concurrent-update conflict answers 409 with the shared text, and the session survives it', () =>
    withApp({}, async ({ browser, store }) => {
      const b = browser();
      await b.post('/set/start/yes');
      store.fault = 'conflict';
      const conflict = await b.post('/inc');
      assertGenericFailure(conflict, 409);
      assert.equal(conflict.body, sessionErrorBody(409), 'every adapter answers a 409 with the same text');
      store.fault = 'ok';
      assert.deepEqual((await b.get('/read')).json().data, { start: 'yes' });
    }));
}
