import assert from 'node:assert/strict';
import { makeRecord, makeSealedValue } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: large values, odd field names and odd characters round-trip unchanged. */
export function fieldValueAndNameBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('a 64 KiB field value round-trips', async () => {
    const record = makeRecord();
    await store().create(record);
    const big = makeSealedValue(48 * 1024);
    assert.ok(big.length >= 64 * 1024);
    assert.equal(await store().patch(record.id, { set: { big } }), 'ok');
    assert.equal((await store().get(record.id))?.fields.big, big);
  });

  t.it('field names with odd characters round-trip', async () => {
    const names = ['a.b', '$csrf', '$', 'a"b', "a'b", 'a b', 'a[0]', 'a\\b', '*', 'ключ', '🔑', 'ü/ñ', 'constructor'];
    const fields = Object.fromEntries(names.map((name) => [name, makeSealedValue()]));
    const record = makeRecord({ fields });
    await store().create(record);
    assert.deepEqual((await store().get(record.id))?.fields, fields);
    const next = Object.fromEntries(names.map((name) => [name, makeSealedValue()]));
    assert.equal(await store().patch(record.id, { expect: fields, set: next }), 'ok');
    assert.deepEqual((await store().get(record.id))?.fields, next);
    // The same names through a patch without compare-and-set (stores may take another path).
    const blind = Object.fromEntries(names.map((name) => [name, makeSealedValue()]));
    assert.equal(await store().patch(record.id, { set: blind, unset: ['a.b'] }), 'ok');
    assert.deepEqual((await store().get(record.id))?.fields, blind);
    assert.equal(await store().patch(record.id, { unset: names }), 'ok');
    assert.deepEqual((await store().get(record.id))?.fields, {});
  });

  t.it('field values with quotes, newlines and unicode round-trip', async () => {
    const value = `"quoted" 'single' \\ back\nnew line\ttab \u0000 nul ünï 🔑 {"json":true}`;
    const record = makeRecord({ fields: { odd: value } });
    await store().create(record);
    assert.equal((await store().get(record.id))?.fields.odd, value);
    await store().patch(record.id, { set: { again: value } });
    assert.equal((await store().get(record.id))?.fields.again, value);
  });
}
