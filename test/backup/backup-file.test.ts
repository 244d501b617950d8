import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackupFileError,
  backupStore,
  exportSessions,
  importSessions,
  restoreStore,
  verifyBackupFile,
} from '../../src/backup/index.js';
import { isCustosError } from '../../src/errors.js';
import type { StoredSession } from '../../src/stores/contract.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { makeRecord } from '../../src/testing/records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custos-backup-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
const fileName = () => join(dir, `b${++files}.jsonl`);

async function all(store: ReturnType<typeof memoryStore>): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for await (const r of store.exportRecords()) out.push(r);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

async function storeWith(records: StoredSession[]) {
  const store = memoryStore();
  await store.importRecords(records);
  return store;
}

async function backupOf(records: StoredSession[]): Promise<string> {
  const file = fileName();
  await backupStore(await storeWith(records), file);
  return file;
}

async function expectRefused(file: string, problem: string) {
  const target = await storeWith([makeRecord(), makeRecord({ userId: null, authenticatedAt: null })]);
  const before = await all(target);
  const error = await restoreStore(target, file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BackupFileError);
  expect((error as BackupFileError).problem).toBe(problem);
  // One error class for the whole library: a refused backup is a CustosError with its own code.
  expect(isCustosError(error, 'INVALID_BACKUP')).toBe(true);
  expect((error as BackupFileError).status).toBe(400);
  expect(await all(target)).toEqual(before);
  return error as BackupFileError;
}

describe('backup files', () => {
  it('round-trips every live record byte for byte, still sealed', async () => {
    const records = [makeRecord(), makeRecord({ userId: null, authenticatedAt: null }), makeRecord()];
    const file = await backupOf(records);
    const target = memoryStore();
    const result = await restoreStore(target, file);
    expect(result.written).toBe(3);
    expect(await all(target)).toEqual([...records].sort((a, b) => a.id.localeCompare(b.id)));
    const text = await readFile(file, 'utf8');
    for (const r of records) expect(text).toContain(r.fields.cart);
  });

  it('is written owner-only (mode 0600)', async () => {
    const file = await backupOf([makeRecord()]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('skips expired records on backup and on restore', async () => {
    const live = makeRecord();
    const file = fileName();
    const result = await backupStore(await storeWith([live, makeRecord({ expiresAt: Date.now() - 1 })]), file);
    expect(result).toEqual({ written: 1, skippedExpired: 1 });
    const target = memoryStore();
    const restored = await restoreStore(target, file, { now: live.expiresAt });
    expect(restored.skippedExpired).toBe(1);
    expect(await all(target)).toEqual([]);
  });

  it('verifies the header, count and checksum', async () => {
    const file = await backupOf([makeRecord(), makeRecord()]);
    const summary = await verifyBackupFile(file);
    expect(summary.records).toBe(2);
    expect(summary.header.source).toBe('memory');
  });

  it('refuses a file cut in the middle of a line, changing nothing', async () => {
    const file = await backupOf([makeRecord(), makeRecord(), makeRecord()]);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    const error = await expectRefused(file, 'truncated');
    expect(error.message).toMatch(/truncated/);
  });

  it('refuses a file that lost its end line', async () => {
    const file = await backupOf([makeRecord(), makeRecord()]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await writeFile(file, `${lines.slice(0, -1).join('\n')}\n`);
    await expectRefused(file, 'truncated');
  });

  it('refuses a file with a record removed or edited (checksum)', async () => {
    const file = await backupOf([makeRecord(), makeRecord(), makeRecord()]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await writeFile(file, `${[lines[0], lines[1], lines[3], lines[4]].join('\n')}\n`);
    await expectRefused(file, 'corrupted');
    const edited = JSON.parse(lines[2]!) as StoredSession;
    const tampered = { ...edited, userId: 'mallory' };
    await writeFile(file, `${[lines[0], lines[1], JSON.stringify(tampered), lines[3], lines[4]].join('\n')}\n`);
    await expectRefused(file, 'corrupted');
  });

  it('refuses foreign files: empty, CSV, another JSON document', async () => {
    const file = fileName();
    await writeFile(file, '');
    await expectRefused(file, 'foreign');
    await writeFile(file, 'id,user\n1,alice\n');
    await expectRefused(file, 'foreign');
    await writeFile(file, `${JSON.stringify({ format: 'other', version: 1 })}\n`);
    await expectRefused(file, 'foreign');
  });

  it('refuses a newer format version', async () => {
    const file = await backupOf([makeRecord()]);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const header = { ...JSON.parse(lines[0]!), version: 99 };
    await writeFile(file, [JSON.stringify(header), ...lines.slice(1)].join('\n'));
    await expectRefused(file, 'unsupported-version');
  });

  it('refuses a missing file as unreadable', async () => {
    await expectRefused(join(dir, 'does-not-exist.jsonl'), 'unreadable');
  });

  it('refuses a record line of the wrong shape even with a matching checksum', async () => {
    const file = await backupOf([makeRecord()]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await writeFile(file, `${[lines[0], '{"id":42}', lines[2]].join('\n')}\n`);
    await expectRefused(file, 'corrupted');
  });
});

describe('exportSessions / importSessions', () => {
  it('moves live sessions between stores and reports expired ones', async () => {
    const live = [makeRecord(), makeRecord()];
    const source = await storeWith([...live, makeRecord({ expiresAt: Date.now() - 1 })]);
    const skipped: string[] = [];
    const target = memoryStore();
    const n = await importSessions(target, exportSessions(source, { onSkipped: (r) => skipped.push(r.id) }));
    expect(n).toBe(2);
    expect(skipped).toHaveLength(1);
    expect(await all(target)).toEqual([...live].sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('rejects a malformed record with INVALID_RECORD', async () => {
    const target = memoryStore();
    const bad = { ...makeRecord(), fields: { x: 1 } } as unknown as StoredSession;
    await expect(importSessions(target, [makeRecord(), bad])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
  });
});
