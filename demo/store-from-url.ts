import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cookieStore } from '../src/stores/cookie/index.js';
import { isPerProcessStore } from '../src/stores/cookie/revocation.js';
import { type OpenedStore, storeFromUrl as openStoreUrl } from '../src/stores/from-url.js';

export type { OpenedStore };

export interface DemoStoreOptions {
  /** Where `cookie:` keeps its revocation database (`<dataDir>/cookie-revocation.db`). */
  readonly dataDir: string;
}

/**
 * `CUSTOS_STORE` → a store. The library's `storeFromUrl` understands `memory:`, `sqlite:<path>`,
 * `redis://…?prefix=`, `redis-cluster://h:p,h:p`, `postgres://…?schema=` and `mysql://…?table=`;
 * the demo adds the directory for the SQLite file and the sealed-cookie mode: `cookie:` keeps its
 * revocation records in `<dataDir>/cookie-revocation.db`, `cookie:<store URL>` (e.g.
 * `cookie:redis://127.0.0.1:6379`) in that store.
 */
export async function storeFromUrl(url: string, options: DemoStoreOptions): Promise<OpenedStore> {
  const lower = url.toLowerCase();
  if (lower.startsWith('cookie:')) {
    const inner = url.slice('cookie:'.length) || `sqlite:${join(options.dataDir, 'cookie-revocation.db')}`;
    const revocation = await storeFromUrl(inner, options);
    if (isPerProcessStore(revocation.store)) {
      await revocation.close();
      // A logout recorded only in this process is forgotten on restart and unseen by another
      // instance: the logged-out cookie would authenticate again. Refuse rather than pretend.
      throw new Error(
        `CUSTOS_STORE=${url} keeps sealed-cookie revocations in this process only, so a logged-out cookie would work again after a restart. Use cookie: (SQLite in DEMO_DATA_DIR) or cookie:<sqlite, redis or postgres URL>.`,
      );
    }
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
