import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import session from 'express-session';
import { BENCH_SECRET, serve, uniqueName } from './common.js';
import { expressApp, expressSessionOps } from './express-app.js';
import { countSqliteStatements } from './sqlite-count.js';

type StoreFactory = (s: typeof session) => new (options: object) => session.Store;
const betterSqliteStore = createRequire(import.meta.url)('better-sqlite3-session-store') as StoreFactory;

/**
 * express-session over better-sqlite3-session-store, on a file with the pragmas custos's
 * sqliteStore sets (WAL, synchronous NORMAL), so the two differ in the session layer only.
 */
await serve(async () => {
  const statements = countSqliteStatements();
  const path = join(tmpdir(), `${uniqueName('es_sqlite')}.db`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // No background sweep during a measured window: custos's bench store runs none either.
  const store = new (betterSqliteStore(session))({ client: db, expired: { clear: false } });
  const middleware = session({ secret: BENCH_SECRET, resave: false, saveUninitialized: false, store });
  return {
    server: createServer(expressApp([middleware], expressSessionOps)),
    stats: () => ({ commands: statements() }),
    close: async () => {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    },
  };
});
