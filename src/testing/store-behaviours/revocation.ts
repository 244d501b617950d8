import assert from 'node:assert/strict';
import { makeRecord, makeSealedValue, makeUserId } from '../records.js';
import type { StoreBehaviourContext } from './context.js';
import { collect, ids } from './record-lists.js';

/** Store conformance: revokeAll: an epoch that makes every earlier record absent, and later ones live. */
export function revocationBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('revokeAll makes every existing record absent for get, patch, list, export and count', async () => {
    const userId = makeUserId();
    const old = [makeRecord({ userId }), makeRecord({ userId }), makeRecord({ userId: null, authenticatedAt: null })];
    for (const r of old) await store().create(r);
    await store().revokeAll();
    for (const r of old) {
      assert.equal(await store().get(r.id), null);
      assert.equal(await store().patch(r.id, { set: { cart: makeSealedValue() } }), 'missing');
      assert.equal(await store().get(r.id), null);
    }
    assert.deepEqual(await store().listByUser(userId), []);
    assert.deepEqual(await collect(store().exportRecords()), []);
    assert.equal(await store().destroyByUser(userId), 0);
    if (store().count) assert.equal(await store().count!(), 0);
  });

  t.it('records created after revokeAll are live', async () => {
    const userId = makeUserId();
    await store().create(makeRecord({ userId }));
    await store().revokeAll();
    const fresh = makeRecord({ userId });
    assert.equal(await store().create(fresh), true);
    assert.deepEqual(await store().get(fresh.id), fresh);
    assert.equal(await store().patch(fresh.id, { set: { theme: 'x' } }), 'ok');
    assert.deepEqual(ids(await store().listByUser(userId)), [fresh.id]);
    assert.deepEqual(ids(await collect(store().exportRecords())), [fresh.id]);
    if (store().count) assert.equal(await store().count!(), 1);
  });

  t.it('a revoked id can be created again', async () => {
    const old = makeRecord();
    await store().create(old);
    await store().revokeAll();
    const again = makeRecord({ id: old.id, userId: old.userId });
    assert.equal(await store().create(again), true);
    assert.deepEqual(await store().get(old.id), again);
    assert.deepEqual(ids(await store().listByUser(old.userId!)), [old.id]);
  });

  t.it('revokeAll twice revokes records made between the two calls', async () => {
    const first = makeRecord();
    await store().create(first);
    await store().revokeAll();
    const second = makeRecord();
    await store().create(second);
    await store().revokeAll();
    assert.equal(await store().get(first.id), null);
    assert.equal(await store().get(second.id), null);
    const third = makeRecord();
    await store().create(third);
    assert.deepEqual(await store().get(third.id), third);
  });

  t.it('records imported after revokeAll are live', async () => {
    const record = makeRecord();
    await store().create(record);
    await store().revokeAll();
    assert.equal(await store().importRecords([record]), 1);
    assert.deepEqual(await store().get(record.id), record);
    assert.deepEqual(ids(await store().listByUser(record.userId!)), [record.id]);
  });
}
