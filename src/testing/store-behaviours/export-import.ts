import assert from 'node:assert/strict';
import { makeRecord, makeSealedValue, makeUserId } from '../records.js';
import type { StoreBehaviourContext } from './context.js';
import { byId, collect } from './record-lists.js';

/** Store conformance: exportRecords and importRecords move every live record between stores unchanged. */
export function exportImportBehaviours({ t, store, another }: StoreBehaviourContext): void {
  t.it('exportRecords yields every live record exactly as stored', async () => {
    const records = [makeRecord(), makeRecord({ userId: null, authenticatedAt: null }), makeRecord()];
    for (const r of records) await store().create(r);
    const gone = makeRecord();
    await store().create(gone);
    await store().destroy(gone.id);
    assert.deepEqual(byId(await collect(store().exportRecords())), byId(records));
  });

  t.it('export then import into another store round-trips every record', async () => {
    const userId = makeUserId();
    const records = [
      makeRecord({ userId }),
      makeRecord({ userId }),
      makeRecord({ userId: null, authenticatedAt: null }),
    ];
    for (const r of records) await store().create(r);
    const target = await another();
    assert.equal(await target.importRecords(store().exportRecords()), 3);
    assert.deepEqual(byId(await collect(target.exportRecords())), byId(records));
    assert.deepEqual(byId(await target.listByUser(userId)), byId(records.slice(0, 2)));
    for (const r of records) assert.deepEqual(await target.get(r.id), r);
  });

  t.it('importRecords replaces a record with the same id', async () => {
    const record = makeRecord();
    await store().create(record);
    const replacement = makeRecord({ id: record.id, userId: record.userId, fields: { only: makeSealedValue() } });
    assert.equal(await store().importRecords([replacement]), 1);
    assert.deepEqual(await store().get(record.id), replacement);
    assert.deepEqual(await store().listByUser(record.userId!), [replacement]);
  });

  t.it('importRecords accepts an async iterable and returns how many it wrote', async () => {
    const records = Array.from({ length: 5 }, () => makeRecord());
    async function* source() {
      yield* records;
    }
    assert.equal(await store().importRecords(source()), 5);
    for (const r of records) assert.deepEqual(await store().get(r.id), r);
    assert.equal(await store().importRecords([]), 0);
  });
}
