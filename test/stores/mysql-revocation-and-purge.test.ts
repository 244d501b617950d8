import { describe, expect, it } from 'vitest';
import { makeRecord, makeUserId } from '../../src/testing/records.js';
import { freshStore, pool, prefix, tableSeq } from './mysql-fixture.js';

describe('mysql store: users, revocation, purge', () => {
  it('lists and destroys one user’s records, keeping the excepted ids, and drops revoked ones', async () => {
    const store = await freshStore();
    const user = makeUserId();
    const revoked = makeRecord({ userId: user });
    await store.create(revoked);
    await store.revokeAll();
    const mine = [makeRecord({ userId: user }), makeRecord({ userId: user }), makeRecord({ userId: user })];
    const other = makeRecord();
    for (const r of [...mine, other]) await store.create(r);
    expect(await store.destroyByUser(user, [mine[0]!.id])).toBe(2);
    expect((await store.listByUser(user)).map((r) => r.id)).toEqual([mine[0]!.id]);
    const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${prefix}_s${tableSeq}\` WHERE user_id = ?`, [user]);
    expect((rows as { n: number }[])[0]!.n).toBe(1);
    expect(await store.get(other.id)).toEqual(other);
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
    const [rows] = await pool.query(`SELECT id FROM \`${prefix}_s${tableSeq}\``);
    expect((rows as { id: Buffer }[]).map((r) => r.id.toString())).toEqual([fresh.id]);
    await expect(store.purgeExpired(now, 0)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('revokeAll is one statement on the epoch row, whatever the table size', async () => {
    const store = await freshStore();
    await store.importRecords(Array.from({ length: 200 }, () => makeRecord()));
    const [before] = await pool.query(`SELECT epoch FROM \`${prefix}_s${tableSeq}_epoch\``);
    await store.revokeAll();
    const [after] = await pool.query(`SELECT epoch FROM \`${prefix}_s${tableSeq}_epoch\``);
    expect(Number((after as { epoch: number }[])[0]!.epoch)).toBe(
      Number((before as { epoch: number }[])[0]!.epoch) + 1,
    );
    const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${prefix}_s${tableSeq}\``);
    expect((rows as { n: number }[])[0]!.n).toBe(200);
    expect(await store.count()).toBe(0);
  });
});
