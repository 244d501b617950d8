import assert from 'node:assert/strict';
import { makeId, makeRecord, makeSealedValue } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

const HOUR = 3_600_000;

/** Store conformance: patch never creates a record: a missing or destroyed id stays missing. */
export function patchMissingRecordBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('patch on a missing id returns missing and does not create it', async () => {
    const id = makeId();
    assert.equal(await store().patch(id, { set: { cart: makeSealedValue() }, lastSeenAt: 1, expiresAt: 2 }), 'missing');
    assert.equal(await store().get(id), null);
  });

  t.it('patch on a missing id returns missing even with an expect of null', async () => {
    const id = makeId();
    assert.equal(await store().patch(id, { expect: { cart: null }, set: { cart: makeSealedValue() } }), 'missing');
    assert.equal(await store().get(id), null);
  });

  t.it('patch never resurrects a destroyed record', async () => {
    const record = makeRecord();
    await store().create(record);
    await store().destroy(record.id);
    assert.equal(
      await store().patch(record.id, { set: { cart: makeSealedValue() }, expiresAt: Date.now() + HOUR }),
      'missing',
    );
    assert.equal(await store().get(record.id), null);
    assert.deepEqual(await store().listByUser(record.userId!), []);
  });

  t.it('patch racing destroy never leaves the record behind', async () => {
    const record = makeRecord();
    await store().create(record);
    const patches = Array.from({ length: 20 }, (_, i) => store().patch(record.id, { set: { [`f${i}`]: 'v' } }));
    await Promise.all([...patches, store().destroy(record.id)]);
    assert.equal(await store().get(record.id), null);
  });
}
