import assert from 'node:assert/strict';
import { makeId, makeRecord, makeSealedValue, makeUserId } from '../records.js';
import type { StoreBehaviourContext } from './context.js';
import { byId, ids } from './record-lists.js';

/** Store conformance: the per-user index: listByUser and destroyByUser. */
export function userIndexBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it('listByUser returns every record of that user and no other', async () => {
    const userId = makeUserId();
    const mine = [makeRecord({ userId }), makeRecord({ userId }), makeRecord({ userId })];
    const theirs = makeRecord();
    for (const r of [...mine, theirs]) await store().create(r);
    assert.deepEqual(byId(await store().listByUser(userId)), byId(mine));
  });

  t.it('listByUser returns an empty list for an unknown user', async () => {
    assert.deepEqual(await store().listByUser(makeUserId()), []);
  });

  t.it('listByUser never lists anonymous records', async () => {
    const anonymous = makeRecord({ userId: null, authenticatedAt: null });
    await store().create(anonymous);
    assert.deepEqual(await store().listByUser('null'), []);
    assert.deepEqual(await store().listByUser(''), []);
    assert.equal(await store().destroyByUser('null'), 0);
    assert.deepEqual(await store().get(anonymous.id), anonymous);
  });

  t.it('listByUser omits destroyed records and shows patched ones as patched', async () => {
    const userId = makeUserId();
    const kept = makeRecord({ userId });
    const gone = makeRecord({ userId });
    await store().create(kept);
    await store().create(gone);
    await store().destroy(gone.id);
    const theme = makeSealedValue();
    await store().patch(kept.id, { set: { theme } });
    const listed = await store().listByUser(userId);
    assert.deepEqual(ids(listed), [kept.id]);
    assert.equal(listed[0]?.fields.theme, theme);
  });

  t.it('destroyByUser removes the user records except the listed ids and returns the count', async () => {
    const userId = makeUserId();
    const records = Array.from({ length: 4 }, () => makeRecord({ userId }));
    const other = makeRecord();
    for (const r of [...records, other]) await store().create(r);
    const keep = [records[0]!.id, makeId()];
    assert.equal(await store().destroyByUser(userId, keep), 3);
    assert.deepEqual(ids(await store().listByUser(userId)), [records[0]!.id]);
    for (const r of records.slice(1)) assert.equal(await store().get(r.id), null);
    assert.deepEqual(await store().get(other.id), other);
  });

  t.it('destroyByUser without except removes all and a second call returns 0', async () => {
    const userId = makeUserId();
    for (let i = 0; i < 3; i++) await store().create(makeRecord({ userId }));
    assert.equal(await store().destroyByUser(userId), 3);
    assert.deepEqual(await store().listByUser(userId), []);
    assert.equal(await store().destroyByUser(userId), 0);
  });

  t.it('patch after destroyByUser returns missing', async () => {
    const record = makeRecord();
    await store().create(record);
    await store().destroyByUser(record.userId!);
    assert.equal(await store().patch(record.id, { set: { cart: makeSealedValue() } }), 'missing');
    assert.equal(await store().get(record.id), null);
  });
}
