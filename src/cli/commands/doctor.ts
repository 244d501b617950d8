import type { Command } from 'commander';
import { isCustosError } from '../../errors.js';
import { type GlobalOptions, readSecrets, storeUrl, withStoreAt } from '../config.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { out } from '../output.js';
import { type Check, checkClock, checkCookie, checkSecrets, checkStore } from './doctor-checks.js';

interface DoctorOptions extends GlobalOptions {
  origin?: string;
  cookieName?: string;
  cookieDomain?: string;
  cookieSecure: string;
}

function render(c: Check): string {
  return `${c.status.padEnd(5)} ${c.topic.padEnd(8)} ${c.detail}`;
}

async function doctor(options: DoctorOptions): Promise<void> {
  if (options.cookieSecure !== 'true' && options.cookieSecure !== 'false') {
    throw new UsageError('--cookie-secure must be true or false');
  }
  const checks: Check[] = [...checkSecrets(readSecrets(options))];
  checks.push(
    ...checkCookie({
      origins: (options.origin ?? process.env.CUSTOS_ORIGIN ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      name: options.cookieName,
      domain: options.cookieDomain,
      secure: options.cookieSecure === 'true',
    }),
  );
  let unreachable = false;
  try {
    await withStoreAt(storeUrl(options), async (opened) => {
      checks.push(await checkStore(opened));
      checks.push(...(await checkClock(opened)));
    });
  } catch (error) {
    if (!isCustosError(error, 'STORE_UNAVAILABLE')) throw error;
    unreachable = true;
    checks.push({ status: 'fail', topic: 'store', detail: error.message });
  }
  for (const c of checks) out(render(c));
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  out(`${failed} failed, ${warned} warning(s), ${checks.length - failed - warned} ok`);
  if (unreachable) process.exitCode = EXIT.unreachable;
  else if (failed > 0) process.exitCode = EXIT.usage;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check secrets, store reachability, cookie settings against the origin, and clocks')
    .option('--origin <origins>', "the app's public origin(s), comma-separated (default: CUSTOS_ORIGIN)")
    .option('--cookie-name <name>', 'session cookie name (default __Host-sid)')
    .option('--cookie-domain <domain>', 'cookie Domain attribute, if the app sets one')
    .option('--cookie-secure <bool>', 'whether the cookie is Secure', 'true')
    .action((_options, command: Command) => doctor(command.optsWithGlobals()));
}
