import assert from 'node:assert/strict';
import { makeRecord, makeSealedValue } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: parallel patches lose no field, and compare-and-set with retry loses no increment. */
export function concurrencyBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('100 parallel patches each setting a distinct field keep all 100', async () => {
    const record = makeRecord();
    await store().create(record);
    const values = Array.from({ length: 100 }, () => makeSealedValue());
    const results = await Promise.all(values.map((v, i) => store().patch(record.id, { set: { [`f${i}`]: v } })));
    assert.deepEqual(
      results,
      values.map(() => 'ok'),
    );
    const fields = (await store().get(record.id))?.fields ?? {};
    for (const [i, v] of values.entries()) assert.equal(fields[`f${i}`], v, `field f${i} lost`);
    assert.equal(fields.cart, record.fields.cart);
  });

  t.it('50 parallel compare-and-set increments with retry end at 50', async () => {
    const record = makeRecord();
    await store().create(record);
    const increment = async (): Promise<number> => {
      for (let attempt = 1; attempt <= 10_000; attempt++) {
        const current = (await store().get(record.id))?.fields.counter ?? null;
        const next = String(Number(current ?? '0') + 1);
        const result = await store().patch(record.id, { expect: { counter: current }, set: { counter: next } });
        if (result === 'ok') return attempt;
        assert.equal(result, 'conflict');
      }
      throw new Error('compare-and-set never succeeded');
    };
    await Promise.all(Array.from({ length: 50 }, increment));
    assert.equal((await store().get(record.id))?.fields.counter, '50');
  });
}
