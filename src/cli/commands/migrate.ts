import type { Command } from 'commander';
import { exportSessions, importSessions } from '../../backup/sessions.js';
import type { SessionStore, StoredSession } from '../../stores/contract.js';
import { withStoreAt } from '../config.js';
import { UsageError } from '../exit-codes.js';
import { out, plural } from '../output.js';
import { progress } from '../progress.js';

interface MigrateOptions {
  from: string;
  to: string;
}

const VERIFY_PARALLEL = 32;

/** Ids whose record is not in `target` with the same verifier (i.e. whose cookie would fail there). */
async function missingIn(target: SessionStore, copied: ReadonlyMap<string, string>): Promise<number> {
  const entries = [...copied];
  let missing = 0;
  for (let i = 0; i < entries.length; i += VERIFY_PARALLEL) {
    const slice = entries.slice(i, i + VERIFY_PARALLEL);
    const found = await Promise.all(slice.map(([id]) => target.get(id)));
    found.forEach((record, j) => {
      if (!record || record.verifier !== slice[j]![1]) missing++;
    });
  }
  return missing;
}

async function migrate(options: MigrateOptions): Promise<void> {
  if (options.from === options.to) throw new UsageError('--from and --to are the same store');
  await withStoreAt(options.from, async (source) => {
    await withStoreAt(
      options.to,
      async (target) => {
        const total = source.store.count ? await source.store.count() : undefined;
        const bar = progress('migrating', total);
        let skipped = 0;
        let scanned = 0;
        const copied = new Map<string, string>();
        const onSkipped = () => {
          skipped++;
          bar.update(++scanned);
        };
        async function* live(): AsyncGenerator<StoredSession> {
          for await (const record of exportSessions(source.store, { onSkipped })) {
            copied.set(record.id, record.verifier);
            yield record;
            bar.update(++scanned);
          }
        }
        const written = await importSessions(target.store, live());
        bar.finish();
        const missing = await missingIn(target.store, copied);
        const summary =
          `migrated ${plural(written, 'session')} from ${source.description} to ${target.description}; ` +
          `verified ${copied.size - missing}/${copied.size} in the target; skipped ${skipped} expired`;
        if (missing > 0 || written !== copied.size) {
          throw new Error(`${summary}. VERIFICATION FAILED: ${missing} session(s) missing in the target`);
        }
        out(summary);
      },
      { create: true },
    );
  });
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('copy every live session to another store (same cookies keep working), then verify')
    .requiredOption('--from <url>', 'source store URL')
    .requiredOption('--to <url>', 'target store URL (tables are created if needed)')
    .action((options: MigrateOptions) => migrate(options));
}
