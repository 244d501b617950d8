import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cookieStore } from '../src/stores/cookie/index.js';
import { type OpenedStore, storeFromUrl as openStoreUrl } from '../src/stores/from-url.js';

export type { OpenedStore };

/**
 * `CUSTOS_STORE` → a store. The library's `storeFromUrl` understands `memory:`, `sqlite:<path>`,
 * `redis://…?prefix=`, `redis-cluster://h:p,h:p`, `postgres://…?schema=` and `mysql://…?table=`;
 * the demo adds the directory for the SQLite file and the sealed-cookie mode: `cookie:` keeps its
 * revocation records in memory, `cookie:<store URL>` (e.g. `cookie:redis://127.0.0.1:6379`) in
 * that store.
 */
export async function storeFromUrl(url: string): Promise<OpenedStore> {
  const lower = url.toLowerCase();
  if (lower.startsWith('cookie:')) {
    const revocation = await storeFromUrl(url.slice('cookie:'.length) || 'memory:');
    const store = cookieStore({ revocation: revocation.store });
    return {
      store,
      description: `sealed cookie (revocation records in ${revocation.description})`,
      // Closing the revocation side closes its store and the client opened for it.
      close: () => revocation.close(),
    };
  }
  if (lower.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  return openStoreUrl(url);
}
