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

async function restore(file: string, options: GlobalOptions): Promise<void> {
  // The whole file is checked before the store is even opened: a bad file creates nothing.
  const verified = await verifyBackupFile(file);
  note(
    `verified ${file}: ${plural(verified.records, 'record')} from ${verified.header.source}, ` +
      `taken ${formatTime(Date.parse(verified.header.createdAt))}`,
  );
  await withStore(
    options,
    async ({ store, description }) => {
      const bar = progress('restoring', verified.records);
      const result = await restoreStore(store, file, { verified, onRecord: (n) => bar.update(n) });
      bar.finish();
      out(
        `restored ${plural(result.written, 'session')} into ${description}` +
          ` (skipped ${result.skippedExpired} expired since the backup)`,
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
    .action((file: string, _options, command: Command) => restore(file, command.optsWithGlobals()));
}
