import assert from 'node:assert/strict';
import type { AdapterBehaviourContext } from './harness.js';

/** Adapter scenarios: concurrent requests to one session lose no field and no increment. */
export function concurrencyBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('100 concurrent requests each setting a different field keep all 100', () =>
    withApp({}, async ({ browser }) => {
      const b = browser();
      await b.post('/set/start/yes');
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => b.clone().post(`/set/k${i}/v${i}`)));
      assert.ok(responses.every((r) => r.status === 200));
      const data = (await b.get('/read')).json().data as Record<string, string>;
      assert.equal(Object.keys(data).length, 101);
      for (let i = 0; i < 100; i++) assert.equal(data[`k${i}`], `v${i}`);
    }));

  it('50 concurrent update() increments end at 50', () =>
    withApp({}, async ({ browser }) => {
      const b = browser();
      await b.post('/set/start/yes');
      const responses = await Promise.all(Array.from({ length: 50 }, () => b.clone().post('/inc')));
      assert.ok(responses.every((r) => r.status === 200));
      assert.deepEqual((await b.get('/read')).json().data, { start: 'yes', n: 50 });
    }));
}
