import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCustosError } from '../../src/errors.js';
import type { StoredSession } from '../../src/stores/contract.js';
import { SCHEMA_VERSION, SqliteStore, sqliteStore } from '../../src/stores/sqlite/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';

const root = mkdtempSync(join(tmpdir(), 'custos-sqlite-'));
let fileCounter = 0;
const tempFile = () => join(root, `db-${++fileCounter}.sqlite`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(records: AsyncIterable<StoredSession> | Iterable<StoredSession>): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for await (const record of records) out.push(record);
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

runStoreConformance('sqlite', async () => ({ store: sqliteStore({ path: tempFile() }) }), {
  describe,
  it,
  beforeEach,
  afterEach,
});

describe('sqlite store specifics', () => {
  it('opening a file twice runs the migrations once and keeps the records', async () => {
    const path = tempFile();
    const first = sqliteStore({ path });
    const record = makeRecord();
    await first.create(record);
    await first.close();
    const second = sqliteStore({ path });
    expect(await second.get(record.id)).toEqual(record);
    const db = second.database;
    const version = db.prepare("SELECT value FROM custos_meta WHERE key = 'schema_version'").get() as { value: number };
    expect(version.value).toBe(SCHEMA_VERSION);
    const epochs = db.prepare("SELECT count(*) AS n FROM custos_meta WHERE key = 'epoch'").get() as { n: number };
    expect(epochs.n).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    await second.close();
  });

  it('refuses a schema newer than this code', () => {
    const path = tempFile();
    const db = new Database(path);
    sqliteStore({ database: db });
    db.prepare("UPDATE custos_meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1);
    expect(() => sqliteStore({ database: db })).toThrow(/newer than this custos/);
    db.close();
  });

  it('two stores on one file see each other’s writes and keep 100 parallel patches from both', async () => {
    const path = tempFile();
    const a = sqliteStore({ path });
    const b = sqliteStore({ path });
    const record = makeRecord();
    expect(await a.create(record)).toBe(true);
    expect(await b.get(record.id)).toEqual(record);
    expect(await b.create(makeRecord({ id: record.id }))).toBe(false);
    const values = Array.from({ length: 100 }, () => makeSealedValue());
    const results = await Promise.all(
      values.map((v, i) => (i % 2 === 0 ? a : b).patch(record.id, { set: { [`f${i}`]: v } })),
    );
    expect(results.every((r) => r === 'ok')).toBe(true);
    const fields = (await a.get(record.id))?.fields ?? {};
    for (const [i, v] of values.entries()) expect(fields[`f${i}`]).toBe(v);
    await b.revokeAll();
    expect(await a.get(record.id)).toBeNull();
    await b.destroy(record.id);
    await a.close();
    await b.close();
  });

  it('two processes patching one record keep every field and every increment', async () => {
    const path = tempFile();
    const store = sqliteStore({ path });
    const record = makeRecord({ fields: {} });
    await store.create(record);
    const moduleUrl = new URL('../../src/stores/sqlite/index.ts', import.meta.url).href;
    const worker = (name: string) => `
      const { sqliteStore } = await import(${JSON.stringify(moduleUrl)});
      const store = sqliteStore({ path: ${JSON.stringify(path)} });
      const id = ${JSON.stringify(record.id)};
      // Barrier: both processes start writing together, so their transactions really overlap.
      await store.patch(id, { set: { ['ready_${name}']: '1' } });
      while (Object.keys((await store.get(id)).fields).filter((k) => k.startsWith('ready_')).length < 2) {
        await new Promise((r) => setTimeout(r, 5));
      }
      for (let i = 0; i < 100; i++) await store.patch(id, { set: { ['${name}' + i]: 'v' + i } });
      for (let done = 0; done < 25; ) {
        const current = (await store.get(id)).fields.counter ?? null;
        const result = await store.patch(id, { expect: { counter: current }, set: { counter: String(Number(current ?? 0) + 1) } });
        if (result === 'ok') done++;
      }
      await store.close();
    `;
    const run = (name: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', worker(name)], {
          cwd: fileURLToPath(new URL('../..', import.meta.url)),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`worker ${name} exited ${code}: ${stderr}`)),
        );
      });
    await Promise.all([run('a'), run('b')]);
    const fields = (await store.get(record.id))?.fields ?? {};
    for (let i = 0; i < 100; i++) {
      expect(fields[`a${i}`]).toBe(`v${i}`);
      expect(fields[`b${i}`]).toBe(`v${i}`);
    }
    expect(fields.counter).toBe('50');
    await store.close();
  });

  it('backupTo writes a copy that a new store opens with the same live records', async () => {
    const store = sqliteStore({ path: tempFile() });
    const revoked = makeRecord();
    await store.create(revoked);
    await store.revokeAll();
    const records = [makeRecord(), makeRecord({ userId: null, authenticatedAt: null }), makeRecord()];
    for (const r of records) await store.create(r);
    const backup = tempFile();
    await store.backupTo(backup);
    await store.patch(records[0]!.id, { set: { after: 'backup' } });
    const copy = sqliteStore({ path: backup });
    expect(await collect(copy.exportRecords())).toEqual(await collect(records));
    expect(await copy.get(revoked.id)).toBeNull();
    expect(await copy.get(records[0]!.id)).toEqual(records[0]);
    await copy.close();
    await store.close();
  });

  it('the database file holds the verifier and sealed fields as given, never the secret behind them', async () => {
    const path = tempFile();
    const store = sqliteStore({ path });
    const secret = randomBytes(32);
    const verifier = createHash('sha256').update(secret).digest('base64url');
    const sealed = makeSealedValue();
    const record = makeRecord({ verifier, fields: { $csrf: sealed } });
    await store.create(record);
    const bytes = Buffer.concat([readFileSync(path), readFileSync(`${path}-wal`)]);
    expect(bytes.includes(verifier)).toBe(true);
    expect(bytes.includes(sealed)).toBe(true);
    for (const plain of [secret, secret.toString('base64url'), secret.toString('hex'), secret.toString('base64')]) {
      expect(bytes.includes(plain)).toBe(false);
    }
    await store.close();
  });

  it('purges 10k expired rows in batches and keeps live rows', async () => {
    const store = sqliteStore({ path: tempFile() });
    const now = Date.now();
    const expired = Array.from({ length: 10_000 }, (_, i) => makeRecord({ expiresAt: now - (i % 100) }));
    const live = Array.from({ length: 10 }, () => makeRecord({ expiresAt: now + 60_000 }));
    expect(await store.importRecords([...expired, ...live])).toBe(10_010);
    const batches: number[] = [];
    for (let n = -1; n !== 0; ) batches.push((n = await store.purgeExpired(now, 3000)));
    expect(batches).toEqual([3000, 3000, 3000, 1000, 0]);
    expect(await store.count()).toBe(10);
    expect(await collect(store.exportRecords())).toEqual(await collect(live));
    await store.close();
  });

  it('exports more records than one page, each once', async () => {
    const store = sqliteStore({ path: tempFile() });
    const records = Array.from({ length: 1234 }, () => makeRecord());
    await store.importRecords(records);
    expect(await collect(store.exportRecords())).toEqual(await collect(records));
    await store.close();
  });

  it('close leaves a passed-in database open and closes one it opened', async () => {
    const db = new Database(':memory:');
    const borrowed = sqliteStore({ database: db });
    await borrowed.close();
    expect(db.open).toBe(true);
    const owned = sqliteStore({ path: tempFile() });
    await owned.close();
    expect(owned.database.open).toBe(false);
    db.close();
  });

  it('table prefixes keep two stores in one database apart', async () => {
    const db = new Database(':memory:');
    const a = sqliteStore({ database: db, tablePrefix: 'a_' });
    const b = sqliteStore({ database: db, tablePrefix: 'b_' });
    const record = makeRecord();
    await a.create(record);
    expect(await b.get(record.id)).toBeNull();
    await b.revokeAll();
    expect(await a.get(record.id)).toEqual(record);
    db.close();
  });

  it('rejects bad options with INVALID_OPTION', () => {
    const cases = [
      {},
      { path: tempFile(), database: new Database(':memory:') },
      { path: tempFile(), tablePrefix: 'x; DROP' },
    ];
    for (const options of cases) {
      let caught: unknown;
      try {
        new SqliteStore(options);
      } catch (error) {
        caught = error;
      }
      expect(isCustosError(caught, 'INVALID_OPTION')).toBe(true);
    }
  });

  it('importRecords rejects a malformed record without echoing it', async () => {
    const store = sqliteStore({ path: tempFile() });
    const bad = { ...makeRecord(), fields: { secret: 42 } } as unknown as StoredSession;
    const error = await store.importRecords([makeRecord(), bad]).catch((e: unknown) => e);
    expect(isCustosError(error, 'INVALID_RECORD')).toBe(true);
    expect((error as Error).message).not.toContain(bad.id);
    await store.close();
  });
});
