import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyBackupFile } from '../../backup/read.js';
import { backupStore, restoreStore } from '../../backup/restore.js';
import { type GlobalOptions, withStore } from '../config.js';
import { UsageError } from '../exit-codes.js';
import { formatTime, note, out, plural } from '../output.js';
import { progress } from '../progress.js';

interface BackupOptions extends GlobalOptions {
  force?: boolean;
}

interface RestoreCliOptions extends GlobalOptions {
  keepRevocations?: boolean;
}

async function backup(file: string, options: BackupOptions): Promise<void> {
  if (existsSync(file) && !options.force) throw new UsageError(`${file} already exists; pass --force to replace it`);
  await withStore(options, async ({ store, description }) => {
    const total = process.stderr.isTTY && store.count ? await store.count() : undefined;
    const bar = progress('backing up', total);
    const result = await backupStore(store, file, { onRecord: (n) => bar.update(n) });
    bar.finish();
    out(
      `backed up ${plural(result.written, 'session')} from ${description} to ${file}` +
        ` (skipped ${result.skippedExpired} expired)`,
    );
  });
}

async function restore(file: string, options: RestoreCliOptions): Promise<void> {
  // The whole file is checked before the store is even opened: a bad file creates nothing.
  const verified = await verifyBackupFile(file);
  note(
    `verified ${file}: ${plural(verified.records, 'record')} from ${verified.header.source}, ` +
      `taken ${formatTime(Date.parse(verified.header.createdAt))}`,
  );
  const keepRevocations = options.keepRevocations === true;
  if (!keepRevocations) {
    // Said at run time, before anything is written: a store keeps no trace of a logout, so the
    // backup's copy of a session signed out since then is indistinguishable from a lost one.
    note(
      `warning: sessions logged out or revoked since ${formatTime(Date.parse(verified.header.createdAt))} ` +
        'come back signed in; use --keep-revocations to restore only sessions the target still holds',
    );
  }
  await withStore(
    options,
    async ({ store, description }) => {
      const bar = progress('restoring', verified.records);
      const result = await restoreStore(store, file, {
        verified,
        keepRevocations,
        warn: false,
        onRecord: (n) => bar.update(n),
      });
      bar.finish();
      const revoked = keepRevocations ? `, ${result.skippedRevoked} not live in the target (kept signed out)` : '';
      out(
        `restored ${plural(result.written, 'session')} into ${description}` +
          ` (skipped ${result.skippedExpired} expired since the backup${revoked})`,
      );
    },
    { create: true },
  );
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('write every live session, still sealed, to a checksummed backup file')
    .argument('<file>', 'where to write the backup (JSON lines, mode 0600)')
    .option('--force', 'replace the file if it exists')
    .action((file: string, _options, command: Command) => backup(file, command.optsWithGlobals()));
  program
    .command('restore')
    .description('verify a backup file completely, then import it (a bad file changes nothing)')
    .argument('<file>', 'a file written by `custos backup`')
    .option(
      '--keep-revocations',
      'restore only sessions the target still holds: nobody logged out or revoked since the backup is signed back in',
    )
    .action((file: string, _options, command: Command) => restore(file, command.optsWithGlobals()));
}
