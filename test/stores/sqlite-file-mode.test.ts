import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/server.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { secretsEnv, TestClient } from '../demo/http-client.js';

const root = mkdtempSync(join(tmpdir(), 'custos-sqlite-mode-'));
let previousUmask: number;
// The usual 022 umask: what SQLite would create 0644 under, so a pass here means the store did it.
beforeAll(() => {
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);
/** The database, its write-ahead log and its shared-memory index: each holds session rows. */
const threeFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`];

describe('SQLite files are owner-only (0600)', () => {
  it('a new database file, its WAL and its SHM are created 0600', async () => {
    const path = join(root, 'new.db');
    const store = sqliteStore({ path });
    await store.create(makeRecord()); // a write, so the WAL holds a row
    for (const file of threeFiles(path)) {
      expect(existsSync(file), file).toBe(true);
      expect(modeOf(file), file).toBe('600');
    }
    await store.close();
  });

  it('an existing database file readable by others is tightened, with a warning', async () => {
    const path = join(root, 'old.db');
    const first = sqliteStore({ path });
    await first.close();
    chmodSync(path, 0o644);
    writeFileSync(`${path}-stray`, ''); // not a SQLite companion: left alone
    const store = sqliteStore({ path });
    await store.create(makeRecord());
    for (const file of threeFiles(path)) expect(modeOf(file), file).toBe('600');
    expect(modeOf(`${path}-stray`)).toBe('644');
    expect(hasWarned('sqlite-file-mode-tightened')).toBe(true);
    await store.close();
  });

  it('the demo bank’s database, WAL and SHM are 0600 while it serves a signed-in user', async () => {
    const path = join(root, 'demo', 'sessions.db');
    const demo = await startDemo({
      port: 0,
      attackerPort: false,
      env: { ...secretsEnv(), CUSTOS_STORE: `sqlite:${path}` },
    });
    try {
      const alice = new TestClient(demo.bankUrl);
      expect((await alice.login('alice', 'alice-correct-horse')).status).toBe(303);
      for (const file of threeFiles(path)) {
        expect(existsSync(file), file).toBe(true);
        expect(modeOf(file), file).toBe('600');
      }
    } finally {
      await demo.close();
    }
  });
});
