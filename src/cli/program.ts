import { Command, CommanderError } from 'commander';
import { registerBackup } from './commands/backup.js';
import { registerDoctor } from './commands/doctor.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPurge } from './commands/purge.js';
import { registerSecret } from './commands/secret.js';
import { registerSessions } from './commands/sessions.js';
import { registerStats } from './commands/stats.js';
import { describeFailure, EXIT } from './exit-codes.js';

const STORE_HELP =
  'session store URL: memory:, sqlite:<path>, redis://host:port[?prefix=p], redis-cluster://h:p,h:p, ' +
  'postgres://user@host/db[?schema=s], mysql://user@host:3306/db[?table=t] (default: CUSTOS_STORE)';

/** Every command and its options; `--help` works on each (commander adds it). */
export function buildProgram(): Command {
  const program = new Command('custos')
    .description('Inspect, revoke, purge, back up, restore and migrate custos sessions.')
    .option('--store <url>', STORE_HELP)
    .option('--secrets-file <path>', 'file with one secret per line, newest first (default: CUSTOS_SECRETS)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(
          `custos: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')}\n`,
        ),
    });
  // Registered after exitOverride/configureOutput: `.command()` copies them to every subcommand.
  registerSessions(program);
  registerPurge(program);
  registerBackup(program);
  registerMigrate(program);
  registerStats(program);
  registerSecret(program);
  registerDoctor(program);
  return program;
}

/** Runs the CLI and resolves to its exit code; never throws, never prints a stack trace. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its one-line message otherwise.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code, line } = describeFailure(error);
    process.stderr.write(`custos: ${line}\n`);
    return code;
  }
}
