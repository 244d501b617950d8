import assert from 'node:assert/strict';
import { makeRecord } from '../records.js';
import type { StoreBehaviourContext } from './context.js';

/** Store conformance: the optional methods (count, ping) behave when a store implements them. */
export function optionalMethodBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('count returns the number of live records when implemented', async () => {
    const s = store();
    if (!s.count) return;
    assert.equal(await s.count(), 0);
    const records = [makeRecord(), makeRecord(), makeRecord()];
    for (const r of records) await s.create(r);
    assert.equal(await s.count(), 3);
    await s.destroy(records[0]!.id);
    assert.equal(await s.count(), 2);
  });

  t.it('ping resolves when implemented', async () => {
    const s = store();
    if (s.ping) await s.ping();
    assert.equal(typeof s.kind, 'string');
    assert.ok(s.kind.length > 0);
  });
}
