import { describe, expect, it } from 'vitest';
import type { StoredSession } from '../../src/stores/contract.js';
import { applyPatch } from '../../src/stores/patch.js';

const record = (fields: Record<string, string>): StoredSession => ({
  id: 'id',
  verifier: 'v',
  userId: null,
  createdAt: 1,
  lastSeenAt: 2,
  authenticatedAt: null,
  absoluteExpiresAt: 10,
  expiresAt: 5,
  fields,
});

describe('applyPatch (memory and cookie stores, the session after commit)', () => {
  it('sets, replaces and unsets fields without touching the original record', () => {
    const before = record({ a: '1', b: '2', c: '3' });
    const after = applyPatch(before, { set: { b: 'B', d: 'D' }, unset: ['c'], lastSeenAt: 7, expiresAt: 9 });
    expect(after.fields).toEqual({ a: '1', b: 'B', d: 'D' });
    expect(Object.keys(after.fields)).toEqual(['a', 'b', 'd']);
    expect([after.lastSeenAt, after.expiresAt]).toEqual([7, 9]);
    expect(before.fields).toEqual({ a: '1', b: '2', c: '3' });
    expect([before.lastSeenAt, before.expiresAt]).toEqual([2, 5]);
  });

  it('keeps the timestamps when the patch has none, and a field both set and unset ends up set', () => {
    const after = applyPatch(record({ a: '1' }), { set: { a: 'x' }, unset: ['a'] });
    expect(after.fields).toEqual({ a: 'x' });
    expect([after.lastSeenAt, after.expiresAt]).toEqual([2, 5]);
  });

  it('stores a field named __proto__ as data, never as the prototype', () => {
    const after = applyPatch(record({}), { set: JSON.parse('{"__proto__":"p","constructor":"c"}') });
    expect(Object.getPrototypeOf(after.fields)).toBe(Object.prototype);
    expect(Object.keys(after.fields).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.hasOwn(after.fields, '__proto__')).toBe(true);
    const again = applyPatch(after, { set: { other: 'o' } });
    expect(Object.hasOwn(again.fields, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(again.fields)).toBe(Object.prototype);
    const removed = applyPatch(again, { unset: ['__proto__'] });
    expect(Object.hasOwn(removed.fields, '__proto__')).toBe(false);
  });
});
