import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type OpenedStore, storeFromUrl as openStoreUrl } from '../src/stores/from-url.js';

export type { OpenedStore };

/**
 * `CUSTOS_STORE` → a store. The library's `storeFromUrl` understands `memory:`, `sqlite:<path>`,
 * `redis://…?prefix=`, `redis-cluster://h:p,h:p` and `postgres://…?schema=`; the demo adds the
 * directory for the default SQLite file and the `cookie:` mode.
 */
export async function storeFromUrl(url: string): Promise<OpenedStore> {
  const lower = url.toLowerCase();
  if (lower.startsWith('cookie:')) {
    throw new Error('CUSTOS_STORE=cookie: (sealed-cookie sessions) is not available in this build yet.');
  }
  if (lower.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  return openStoreUrl(url);
}
