import type { Command } from 'commander';
import { type GlobalOptions, positiveInt, withStore } from '../config.js';
import { out, plural } from '../output.js';
import { progress } from '../progress.js';

interface PurgeOptions extends GlobalOptions {
  batchSize: number;
}

async function purge(options: PurgeOptions): Promise<void> {
  await withStore(options, async ({ store }) => {
    const now = Date.now();
    // Only a terminal gets a bar, and only then is it worth a counting pass for its total.
    let total: number | undefined;
    if (process.stderr.isTTY) {
      total = 0;
      for await (const r of store.exportRecords()) if (r.expiresAt <= now) total++;
    }
    const bar = progress('purging', total);
    let removed = 0;
    let batches = 0;
    for (;;) {
      const n = await store.purgeExpired(now, options.batchSize);
      batches++;
      removed += n;
      bar.update(removed);
      if (n < options.batchSize) break;
    }
    bar.finish();
    out(`purged ${plural(removed, 'expired session')} in ${plural(batches, 'batch')} of up to ${options.batchSize}`);
  });
}

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description('delete expired sessions in batches (safe to run while the app serves traffic)')
    .option('--batch-size <n>', 'sessions deleted per store call', positiveInt('--batch-size'), 1000)
    .action((_options, command: Command) => purge(command.optsWithGlobals()));
}
