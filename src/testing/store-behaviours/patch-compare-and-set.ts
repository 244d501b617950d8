import assert from 'node:assert/strict';
import { makeRecord, makeSealedValue } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: patch's `expect`: a write happens only when every expected field still holds its value. */
export function patchCompareAndSetBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('patch with a matching expect writes', async () => {
    const record = makeRecord();
    await store().create(record);
    const cart = makeSealedValue();
    const result = await store().patch(record.id, { expect: { cart: record.fields.cart! }, set: { cart } });
    assert.equal(result, 'ok');
    assert.equal((await store().get(record.id))?.fields.cart, cart);
  });

  t.it('patch with a mismatching expect returns conflict and writes nothing', async () => {
    const record = makeRecord();
    await store().create(record);
    const result = await store().patch(record.id, {
      expect: { $csrf: record.fields.$csrf!, cart: makeSealedValue() },
      set: { cart: makeSealedValue(), theme: makeSealedValue() },
      unset: ['$csrf'],
      lastSeenAt: record.lastSeenAt + 1000,
      expiresAt: record.expiresAt + 1000,
    });
    assert.equal(result, 'conflict');
    assert.deepEqual(await store().get(record.id), record);
  });

  t.it('patch expect null matches an absent field', async () => {
    const record = makeRecord();
    await store().create(record);
    const token = makeSealedValue();
    assert.equal(await store().patch(record.id, { expect: { token: null }, set: { token } }), 'ok');
    assert.equal((await store().get(record.id))?.fields.token, token);
  });

  t.it('patch expect null conflicts when the field is present', async () => {
    const record = makeRecord();
    await store().create(record);
    assert.equal(
      await store().patch(record.id, { expect: { cart: null }, set: { cart: makeSealedValue() } }),
      'conflict',
    );
    assert.deepEqual(await store().get(record.id), record);
  });

  t.it('patch expect of a value conflicts when the field is absent', async () => {
    const record = makeRecord();
    await store().create(record);
    const result = await store().patch(record.id, { expect: { token: makeSealedValue() }, set: { token: 'x' } });
    assert.equal(result, 'conflict');
    assert.deepEqual(await store().get(record.id), record);
  });
}
