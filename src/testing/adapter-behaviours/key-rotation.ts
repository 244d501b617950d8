import assert from 'node:assert/strict';
import { memoryStore } from '../../stores/memory/index.js';
import { instrumentStore } from '../scenario-store.js';
import { assertAnonymous } from './assertions.js';
import { type AdapterBehaviourContext, NEW_SECRET, OLD_SECRET } from './harness.js';

/** Adapter scenarios: a cookie under a retired-but-listed secret works and is re-issued under the newest. */
export function keyRotationBehaviours({ it, withApp }: AdapterBehaviourContext): void {
  it('key rotation: a cookie signed under a retired-but-listed secret works and is re-issued under the newest', () => {
    const shared = { store: instrumentStore(memoryStore()), now: { value: Date.UTC(2026, 0, 1) } };
    return withApp(
      { secrets: [OLD_SECRET] },
      async (before) => {
        const b = before.browser();
        await b.post('/set/color/blue');
        const oldCookie = b.cookie as string;
        await withApp(
          { secrets: [NEW_SECRET, OLD_SECRET] },
          async (rotated) => {
            const moved = b.clone(rotated.client);
            const read = await moved.get('/read');
            assert.deepEqual(read.json().data, { color: 'blue' });
            assert.ok(read.sessionCookie && moved.cookie !== oldCookie, 'the cookie must be re-issued');
            await withApp(
              { secrets: [NEW_SECRET] },
              async (retired) => {
                assert.deepEqual((await moved.clone(retired.client).get('/read')).json().data, { color: 'blue' });
                const stale = b.clone(retired.client);
                stale.cookie = oldCookie;
                assertAnonymous(await stale.get('/read'));
              },
              shared,
            );
          },
          shared,
        );
      },
      shared,
    );
  });
}
