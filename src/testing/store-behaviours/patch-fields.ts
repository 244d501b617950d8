import assert from 'node:assert/strict';
import { makeRecord, makeSealedValue } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: patch sets and unsets fields and moves only the metadata it names. */
export function patchFieldsBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('patch sets fields and keeps the others', async () => {
    const record = makeRecord();
    await store().create(record);
    const cart = makeSealedValue();
    const theme = makeSealedValue();
    assert.equal(await store().patch(record.id, { set: { cart, theme } }), 'ok');
    const got = await store().get(record.id);
    assert.deepEqual(got?.fields, { ...record.fields, cart, theme });
  });

  t.it('patch unsets fields', async () => {
    const record = makeRecord();
    await store().create(record);
    assert.equal(await store().patch(record.id, { unset: ['cart', 'never-set'] }), 'ok');
    assert.deepEqual((await store().get(record.id))?.fields, { $csrf: record.fields.$csrf });
  });

  t.it('patch applies unset before set', async () => {
    const record = makeRecord();
    await store().create(record);
    const cart = makeSealedValue();
    assert.equal(await store().patch(record.id, { unset: ['cart', '$csrf'], set: { cart } }), 'ok');
    assert.deepEqual((await store().get(record.id))?.fields, { cart });
  });

  t.it('patch updates lastSeenAt and expiresAt and nothing else of the metadata', async () => {
    const record = makeRecord();
    await store().create(record);
    const patch = { lastSeenAt: record.lastSeenAt + 1000, expiresAt: record.expiresAt + 5000 };
    assert.equal(await store().patch(record.id, patch), 'ok');
    assert.deepEqual(await store().get(record.id), { ...record, ...patch });
  });

  t.it('patch without metadata keeps lastSeenAt and expiresAt', async () => {
    const record = makeRecord();
    await store().create(record);
    const theme = makeSealedValue();
    await store().patch(record.id, { set: { theme } });
    const got = await store().get(record.id);
    assert.equal(got?.lastSeenAt, record.lastSeenAt);
    assert.equal(got?.expiresAt, record.expiresAt);
  });

  t.it('patch with an empty patch returns ok and changes nothing', async () => {
    const record = makeRecord();
    await store().create(record);
    assert.equal(await store().patch(record.id, {}), 'ok');
    assert.deepEqual(await store().get(record.id), record);
  });
}
