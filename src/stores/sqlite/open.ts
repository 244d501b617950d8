import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { CustosError } from '../../errors.js';
import { ensureOwnerOnly } from './file-mode.js';

type DatabaseConstructor = new (filename: string, options?: BetterSqlite3.Options) => BetterSqlite3.Database;

/**
 * Loads better-sqlite3 only when the store opens a file itself, so importing custos never needs
 * the optional peer dependency.
 */
function loadDriver(): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  } catch (cause) {
    throw new CustosError(
      'INVALID_OPTION',
      'sqliteStore({ path }) needs the better-sqlite3 package: run `npm install better-sqlite3`, or pass `database`',
      { cause },
    );
  }
}

/**
 * Opens a database file tuned for several writers: WAL lets readers run beside a writer, and the
 * busy timeout makes a second process wait for the write lock instead of failing with SQLITE_BUSY.
 * The file and its WAL/SHM companions are owner-only (0600).
 */
export function openDatabase(path: string, busyTimeout: number): BetterSqlite3.Database {
  const Database = loadDriver();
  ensureOwnerOnly(path);
  const db = new Database(path, { timeout: busyTimeout });
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL stays consistent after a crash; only the last commits may be lost.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeout)}`);
  return db;
}
