import assert from 'node:assert/strict';
import { makeId, makeRecord } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: create, get and destroy of single records. */
export function createAndGetBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('create stores a record that get returns unchanged', async () => {
    const record = makeRecord();
    assert.equal(await store().create(record), true);
    assert.deepEqual(await store().get(record.id), record);
  });

  t.it('create and get keep an anonymous record with null userId and authenticatedAt', async () => {
    const record = makeRecord({ userId: null, authenticatedAt: null });
    assert.equal(await store().create(record), true);
    assert.deepEqual(await store().get(record.id), record);
  });

  t.it('create keeps a record with no fields', async () => {
    const record = makeRecord({ fields: {} });
    assert.equal(await store().create(record), true);
    assert.deepEqual(await store().get(record.id), record);
  });

  t.it('create returns false for an existing id and keeps the original', async () => {
    const original = makeRecord();
    await store().create(original);
    const impostor = makeRecord({ id: original.id });
    assert.equal(await store().create(impostor), false);
    assert.deepEqual(await store().get(original.id), original);
  });

  t.it('parallel creates of one id succeed exactly once', async () => {
    const id = makeId();
    const results = await Promise.all(Array.from({ length: 10 }, () => store().create(makeRecord({ id }))));
    assert.equal(results.filter(Boolean).length, 1);
  });

  t.it('get returns null for an unknown id', async () => {
    assert.equal(await store().get(makeId()), null);
  });

  t.it('destroy removes a record and get returns null', async () => {
    const record = makeRecord();
    await store().create(record);
    await store().destroy(record.id);
    assert.equal(await store().get(record.id), null);
  });

  t.it('destroy of an unknown id resolves', async () => {
    await store().destroy(makeId());
  });

  t.it('create succeeds again for a destroyed id', async () => {
    const record = makeRecord();
    await store().create(record);
    await store().destroy(record.id);
    const again = makeRecord({ id: record.id });
    assert.equal(await store().create(again), true);
    assert.deepEqual(await store().get(record.id), again);
  });
}
