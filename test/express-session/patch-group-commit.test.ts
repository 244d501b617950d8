import session from 'express-session';
import { describe, expect, it } from 'vitest';
import { fromExpressSessionStore } from '../../src/stores/express-session/store-adapter.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';

/** express-session's MemoryStore, counting the whole-record writes it is asked for. */
function countingStore() {
  const store = new session.MemoryStore();
  const counts = { set: 0, get: 0 };
  const set = store.set.bind(store);
  const get = store.get.bind(store);
  store.set = (sid, data, callback) => {
    counts.set++;
    set(sid, data, callback);
  };
  store.get = (sid, callback) => {
    counts.get++;
    get(sid, callback);
  };
  return { store, counts };
}

describe('parallel patches of one session through an express-session store', () => {
  it('all apply, with the compare-and-set verdicts of running them one by one, in a few writes', async () => {
    const { store, counts } = countingStore();
    const sessions = fromExpressSessionStore(store);
    const record = makeRecord();
    expect(await sessions.create(record)).toBe(true);
    const before = { ...counts };
    const values = Array.from({ length: 20 }, () => makeSealedValue());
    const first = makeSealedValue();
    const results = await Promise.all([
      ...values.map((value, i) => sessions.patch(record.id, { set: { [`k${i}`]: value } })),
      // Two compare-and-sets on one absent field: in arrival order the first wins, the second conflicts.
      sessions.patch(record.id, { set: { n: first }, expect: { n: null } }),
      sessions.patch(record.id, { set: { n: makeSealedValue() }, expect: { n: null } }),
      sessions.patch(record.id, { unset: ['k0'] }),
    ]);
    expect(results).toEqual([...values.map(() => 'ok'), 'ok', 'conflict', 'ok']);
    const stored = await sessions.get(record.id);
    expect(stored?.fields.n).toBe(first);
    expect(stored?.fields.k0).toBeUndefined();
    for (let i = 1; i < values.length; i++) expect(stored?.fields[`k${i}`]).toBe(values[i]);
    // One read-modify-write for the first patch, one for all that queued behind it.
    expect(counts.set - before.set).toBeLessThanOrEqual(2);
  });

  it('a destroyed session answers missing to every patch that queued behind the destroy', async () => {
    const { store } = countingStore();
    const sessions = fromExpressSessionStore(store);
    const record = makeRecord();
    await sessions.create(record);
    const destroyed = sessions.destroy(record.id);
    const late = await Promise.all([1, 2, 3].map(() => sessions.patch(record.id, { set: { x: makeSealedValue() } })));
    await destroyed;
    expect(late).toEqual(['missing', 'missing', 'missing']);
    expect(await sessions.get(record.id)).toBeNull();
  });
});
