import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../src/testing/records.js';
import { freshStore } from './postgres-fixture.js';

describe('postgres store: patch', () => {
  it('unsets, then sets fields, and moves lastSeenAt/expiresAt only when given', async () => {
    const store = await freshStore();
    const record = makeRecord({ fields: { a: 'A', b: 'B' } });
    await store.create(record);
    expect(await store.patch(record.id, { unset: ['a', 'b'], set: { b: 'B2', c: 'C' } })).toBe('ok');
    let got = await store.get(record.id);
    expect(got?.fields).toEqual({ b: 'B2', c: 'C' });
    expect(got?.lastSeenAt).toBe(record.lastSeenAt);
    expect(got?.expiresAt).toBe(record.expiresAt);
    expect(await store.patch(record.id, { lastSeenAt: record.lastSeenAt + 5, expiresAt: record.expiresAt + 7 })).toBe(
      'ok',
    );
    got = await store.get(record.id);
    expect(got?.lastSeenAt).toBe(record.lastSeenAt + 5);
    expect(got?.expiresAt).toBe(record.expiresAt + 7);
    expect(got?.fields).toEqual({ b: 'B2', c: 'C' });
    expect(got?.absoluteExpiresAt).toBe(record.absoluteExpiresAt);
  });

  it('never creates a record: unknown, destroyed and revoked ids are missing', async () => {
    const store = await freshStore();
    const record = makeRecord();
    expect(await store.patch(record.id, { set: { x: 'y' } })).toBe('missing');
    expect(await store.get(record.id)).toBeNull();
    await store.create(record);
    await store.destroy(record.id);
    expect(await store.patch(record.id, { set: { x: 'y' }, expect: { x: null } })).toBe('missing');
    expect(await store.get(record.id)).toBeNull();
    const revoked = makeRecord();
    await store.create(revoked);
    await store.revokeAll();
    expect(await store.patch(revoked.id, { set: { x: 'y' } })).toBe('missing');
    expect(await store.count()).toBe(0);
  });

  it('applies a compare-and-set only when every expectation holds', async () => {
    const store = await freshStore();
    const record = makeRecord({ fields: { n: '1' } });
    await store.create(record);
    expect(await store.patch(record.id, { set: { n: '2' }, expect: { n: '0' } })).toBe('conflict');
    expect(await store.patch(record.id, { set: { n: '2' }, expect: { n: '1', absent: 'x' } })).toBe('conflict');
    expect(await store.patch(record.id, { set: { n: '2' }, expect: { n: null } })).toBe('conflict');
    expect((await store.get(record.id))?.fields).toEqual({ n: '1' });
    expect(await store.patch(record.id, { set: { n: '2', m: 'new' }, expect: { n: '1', m: null } })).toBe('ok');
    expect((await store.get(record.id))?.fields).toEqual({ n: '2', m: 'new' });
  });

  it('keeps field names and values with quotes, unicode and SQL-looking text intact', async () => {
    const store = await freshStore();
    const record = makeRecord({ fields: {} });
    await store.create(record);
    const odd = { "it's": `'); DROP TABLE x; --`, 'ü$"\\': '\u2028', 'n\u0000\u0001b': '\u0001a\u0000\u0001' };
    expect(await store.patch(record.id, { set: odd, expect: { "it's": null } })).toBe('ok');
    expect((await store.get(record.id))?.fields).toEqual(odd);
    expect(await store.patch(record.id, { unset: ["it's"], expect: odd })).toBe('ok');
    expect(Object.keys((await store.get(record.id))?.fields ?? {}).sort()).toEqual(['n\u0000\u0001b', 'ü$"\\']);
    expect(await store.patch(record.id, { set: { x: '1' }, expect: { 'n\u0000\u0001b': '\u0001a\u0000' } })).toBe(
      'conflict',
    );
  });
});
