import { describe, expect, it } from 'vitest';
import type { StoredSession } from '../../src/stores/contract.js';
import { makeRecord, makeUserId } from '../../src/testing/records.js';
import { freshStore, pool, schema, tableSeq } from './postgres-fixture.js';

describe('postgres store: users, revocation, purge', () => {
  it('lists and destroys one user’s records, keeping the excepted ids', async () => {
    const store = await freshStore();
    const user = makeUserId();
    const mine = [makeRecord({ userId: user }), makeRecord({ userId: user }), makeRecord({ userId: user })];
    const other = makeRecord();
    for (const r of [...mine, other]) await store.create(r);
    const listed = await store.listByUser(user);
    expect(listed.map((r) => r.id).sort()).toEqual(mine.map((r) => r.id).sort());
    expect(await store.destroyByUser(user, [mine[0]!.id])).toBe(2);
    expect((await store.listByUser(user)).map((r) => r.id)).toEqual([mine[0]!.id]);
    expect(await store.get(other.id)).toEqual(other);
    expect(await store.destroyByUser(user)).toBe(1);
    expect(await store.listByUser(user)).toEqual([]);
  });

  it('revokeAll hides every earlier record everywhere, but not later ones', async () => {
    const store = await freshStore();
    const user = makeUserId();
    const before = makeRecord({ userId: user });
    await store.create(before);
    await store.revokeAll();
    const after = makeRecord({ userId: user });
    await store.create(after);
    expect(await store.get(before.id)).toBeNull();
    expect(await store.listByUser(user)).toEqual([after]);
    expect(await store.count()).toBe(1);
    const exported: StoredSession[] = [];
    for await (const r of store.exportRecords()) exported.push(r);
    expect(exported).toEqual([after]);
    expect(await store.destroyByUser(user)).toBe(1);
  });

  it('purges expired and revoked records in batches of at most `limit`', async () => {
    const store = await freshStore();
    const now = Date.now();
    const expired = Array.from({ length: 5 }, () => makeRecord({ expiresAt: now - 1 }));
    const dueNow = makeRecord({ expiresAt: now });
    const live = makeRecord({ expiresAt: now + 60_000 });
    for (const r of [...expired, dueNow, live]) await store.create(r);
    expect(await store.purgeExpired(now, 4)).toBe(4);
    expect(await store.purgeExpired(now, 4)).toBe(2);
    expect(await store.purgeExpired(now, 4)).toBe(0);
    expect(await store.get(live.id)).toEqual(live);
    await store.revokeAll();
    const fresh = makeRecord();
    await store.create(fresh);
    expect(await store.purgeExpired(now)).toBe(1);
    const { rows } = await pool.query(`SELECT id FROM "${schema}"."s${tableSeq}"`);
    expect(rows).toEqual([{ id: fresh.id }]);
  });
});
