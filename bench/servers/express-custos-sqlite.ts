import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessions } from '../../src/adapters/express.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { optionalModule, serve, uniqueName } from './common.js';
import { benchManager } from './custos-manager.js';
import { custosOps, expressApp } from './express-app.js';
import { countSqliteStatements } from './sqlite-count.js';

await serve(async () => {
  const statements = countSqliteStatements();
  const { sqliteStore } = await optionalModule<{ sqliteStore(o: object): SessionStore }>('src/stores/sqlite/index');
  const path = join(tmpdir(), `${uniqueName('sqlite')}.db`);
  const store = sqliteStore({ path });
  return {
    server: createServer(expressApp([sessions(benchManager(store))], custosOps)),
    stats: () => ({ commands: statements() }),
    close: async () => {
      await store.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    },
  };
});
