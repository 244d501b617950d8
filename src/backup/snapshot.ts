import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionStore } from '../stores/contract.js';

interface SnapshottingStore extends SessionStore {
  backupTo(file: string): Promise<void>;
}

function canSnapshot(store: SessionStore): store is SnapshottingStore {
  return store.kind === 'sqlite' && typeof (store as Partial<SnapshottingStore>).backupTo === 'function';
}

/**
 * A frozen copy of the store to read a backup from, when the store can make one online (SQLite's
 * backup API); otherwise the store itself. `dispose` removes the copy.
 */
export async function consistentView(store: SessionStore): Promise<{ view: SessionStore; dispose(): Promise<void> }> {
  if (!canSnapshot(store)) return { view: store, dispose: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'custos-snapshot-'));
  const file = join(dir, `${randomBytes(4).toString('hex')}.db`);
  try {
    await store.backupTo(file);
    const { sqliteStore } = await import('../stores/sqlite/index.js');
    const view = sqliteStore({ path: file });
    return {
      view,
      dispose: async () => {
        await view.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
