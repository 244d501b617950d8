import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupStore, restoreStore } from '../../src/backup/index.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { CookieRevocation } from '../../src/stores/cookie/revocation.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custos-restore-revocations-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stores: [string, () => SessionStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ path: join(dir, `${Math.random().toString(36).slice(2)}.db`) })],
];

describe.each(stores)('restoreStore and revocations on %s', (_name, open) => {
  it('keepRevocations restores only what the target still holds live, and counts the rest', async () => {
    const store = open();
    const [kept, loggedOut, revokedUser] = [makeRecord(), makeRecord(), makeRecord()];
    for (const r of [kept, loggedOut, revokedUser]) await store.create(r);
    const file = join(dir, `${Math.random().toString(36).slice(2)}.backup`);
    await backupStore(store, file);
    await store.destroy(loggedOut.id);
    await store.destroyByUser(revokedUser.userId!);
    await store.patch(kept.id, { set: { cart: makeSealedValue() } });

    const result = await restoreStore(store, file, { keepRevocations: true });
    expect(result).toMatchObject({ written: 1, skippedRevoked: 2, skippedExpired: 0 });
    expect(await store.get(loggedOut.id)).toBeNull();
    expect(await store.get(revokedUser.id)).toBeNull();
    expect(await store.get(kept.id)).toEqual(kept); // its data is the backup's again

    await store.revokeAll();
    expect((await restoreStore(store, file, { keepRevocations: true })).written).toBe(0);
    expect(await store.get(kept.id)).toBeNull();

    // Without the option the logouts are undone, and a warning says so.
    expect((await restoreStore(store, file)).written).toBe(3);
    expect(await store.get(loggedOut.id)).toEqual(loggedOut);
    expect(hasWarned('restore-resurrects-revoked-sessions')).toBe(true);
    await store.close();
  });

  it('keepRevocations never replaces a sealed-cookie revocation record with the backup’s older one', async () => {
    const store = open();
    let now = Date.now();
    const revocation = new CookieRevocation(
      store,
      () => 3_600_000,
      () => now,
    );
    await revocation.notBeforeAll(now);
    const file = join(dir, `${Math.random().toString(36).slice(2)}.backup`);
    await backupStore(store, file);
    now += 60_000;
    await revocation.notBeforeAll(now); // `custos sessions revoke --all` after the backup
    const cookieBetween = { id: makeRecord().id, userId: 'alice', createdAt: now - 30_000 };
    expect(await revocation.isRevoked(cookieBetween)).toBe(true);

    await restoreStore(store, file, { keepRevocations: true });
    expect((await store.get('nb-all'))?.fields.at).toBe(String(now));
    expect(await revocation.isRevoked(cookieBetween)).toBe(true);
    // Without the option the older record comes back: what the restore warning is about.
    await restoreStore(store, file, { warn: false });
    expect(await revocation.isRevoked(cookieBetween)).toBe(false);
    await store.close();
  });
});
