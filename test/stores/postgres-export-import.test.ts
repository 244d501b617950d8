import { describe, expect, it } from 'vitest';
import { isCustosError } from '../../src/errors.js';
import type { StoredSession } from '../../src/stores/contract.js';
import { makeRecord } from '../../src/testing/records.js';
import { freshStore } from './postgres-fixture.js';

describe('postgres store: export and import', () => {
  it('exports every live record across pages and imports them into another table', async () => {
    const source = await freshStore({ batchSize: 7 });
    const records = Array.from({ length: 23 }, () => makeRecord());
    expect(await source.importRecords(records)).toBe(23);
    const exported: StoredSession[] = [];
    for await (const r of source.exportRecords()) exported.push(r);
    expect(exported).toHaveLength(23);
    expect(new Map(exported.map((r) => [r.id, r]))).toEqual(new Map(records.map((r) => [r.id, r])));

    const target = await freshStore({ batchSize: 5 });
    await target.create(makeRecord({ id: records[0]!.id, verifier: 'stale' }));
    await target.revokeAll();
    expect(await target.importRecords(source.exportRecords())).toBe(23);
    expect(await target.count()).toBe(23);
    for (const r of records) expect(await target.get(r.id)).toEqual(r);
  });

  it('lets the last copy of a duplicated id win within one batch', async () => {
    const store = await freshStore();
    const first = makeRecord();
    const second = makeRecord({ id: first.id });
    expect(await store.importRecords([first, second])).toBe(2);
    expect(await store.get(first.id)).toEqual(second);
  });

  it('imports nothing when one record is invalid', async () => {
    const store = await freshStore({ batchSize: 2 });
    const good = [makeRecord(), makeRecord(), makeRecord()];
    const bad = { ...makeRecord(), fields: { x: 1 } } as unknown as StoredSession;
    const failure = await store.importRecords([...good, bad]).catch((e: unknown) => e);
    expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
    expect((failure as Error).message).not.toContain(good[0]!.id);
    expect(await store.count()).toBe(0);
  });
});
