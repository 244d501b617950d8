import { chmodSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { warnOnce } from '../../vocabulary/warn-once.js';

/** Owner read/write only: the file holds verifiers, sealed data and user ids. */
const OWNER_ONLY = 0o600;
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Makes the database file owner-only before SQLite opens it. SQLite creates a new file 0644
 * (less the umask) and gives its `-wal`, `-shm` and `-journal` files the mode of the database
 * file, so creating the database 0600 first makes all of them 0600 (CWE-732: session verifiers
 * and user ids must not be readable by other local users). A file that already exists with
 * group or other access is tightened, and a once-per-process warning says so.
 */
export function ensureOwnerOnly(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  try {
    // O_EXCL: never touch a file someone else created between the check and the open.
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, OWNER_ONLY));
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return; // SQLite reports the real problem.
  }
  for (const file of [path, ...SIDE_FILES.map((suffix) => path + suffix)]) {
    if (!existsSync(file)) continue;
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) === 0) continue;
    chmodSync(file, mode & 0o700);
    warnOnce(
      'sqlite-file-mode-tightened',
      `sqliteStore: ${file} was readable by other users (mode ${mode.toString(8)}); it is now owner-only. Pass \`database\` to manage the file's permissions yourself.`,
    );
  }
}
