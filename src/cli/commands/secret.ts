import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { MIN_SECRET_BYTES } from '../../crypto/keyring.js';
import { UsageError } from '../exit-codes.js';
import { out } from '../output.js';

function generate(options: { bytes: string }): void {
  const bytes = Number(options.bytes);
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > 1024) {
    throw new UsageError(`--bytes must be a whole number from ${MIN_SECRET_BYTES} to 1024`);
  }
  // base64url of CSPRNG bytes: safe in env vars and comma-separated CUSTOS_SECRETS.
  out(randomBytes(bytes).toString('base64url'));
}

export function registerSecret(program: Command): void {
  const secret = program.command('secret').description('manage signing/sealing secrets');
  secret
    .command('generate')
    .description('print a new random secret (put it first in CUSTOS_SECRETS; keep the old ones after it)')
    .option('--bytes <n>', `random bytes (at least ${MIN_SECRET_BYTES})`, String(MIN_SECRET_BYTES))
    .action((options: { bytes: string }) => generate(options));
}
