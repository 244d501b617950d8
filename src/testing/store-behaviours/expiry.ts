import assert from 'node:assert/strict';
import { makeRecord } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

const HOUR = 3_600_000;

/** Store conformance: purgeExpired deletes records whose expiresAt has passed, in batches of at most `limit`. */
export function expiryBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('purgeExpired deletes records with expiresAt <= now and keeps the rest', async () => {
    const now = Date.now();
    const atNow = makeRecord({ expiresAt: now });
    const before = makeRecord({ expiresAt: now - HOUR });
    const after = makeRecord({ expiresAt: now + 1 });
    for (const r of [atNow, before, after]) await store().create(r);
    assert.equal(await store().purgeExpired(now), 2);
    assert.equal(await store().get(atNow.id), null);
    assert.equal(await store().get(before.id), null);
    assert.deepEqual(await store().get(after.id), after);
    assert.deepEqual(await store().listByUser(atNow.userId!), []);
    assert.equal(await store().purgeExpired(now), 0);
  });

  t.it('purgeExpired deletes at most limit records per call', async () => {
    const now = Date.now();
    const expired = Array.from({ length: 25 }, (_, i) => makeRecord({ expiresAt: now - i - 1 }));
    const live = makeRecord({ expiresAt: now + HOUR });
    await store().importRecords([...expired, live]);
    const batches: number[] = [];
    for (let n = -1; n !== 0; ) batches.push((n = await store().purgeExpired(now, 10)));
    assert.deepEqual(batches, [10, 10, 5, 0]);
    for (const r of expired) assert.equal(await store().get(r.id), null);
    assert.deepEqual(await store().get(live.id), live);
  });

  t.it('purgeExpired honours expiresAt moved by patch', async () => {
    const now = Date.now();
    const extended = makeRecord({ expiresAt: now - 1 });
    const shortened = makeRecord({ expiresAt: now + HOUR });
    await store().create(extended);
    await store().create(shortened);
    await store().patch(extended.id, { expiresAt: now + HOUR });
    await store().patch(shortened.id, { expiresAt: now - 1 });
    assert.equal(await store().purgeExpired(now), 1);
    assert.notEqual(await store().get(extended.id), null);
    assert.equal(await store().get(shortened.id), null);
  });
}
