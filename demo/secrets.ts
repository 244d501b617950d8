import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `CUSTOS_SECRETS` if given; otherwise one secret generated on first start and kept in
 * `<dataDir>/secret` (mode 0600) so sessions survive a restart. A warning says so, because a
 * secret on local disk is fine for a demo and wrong for production.
 */
export function loadSecrets(
  configured: readonly string[] | null,
  dataDir: string,
  warn: (m: string) => void,
): string[] {
  if (configured) {
    for (const secret of configured) {
      if (Buffer.byteLength(secret) < 32) throw new Error('Each CUSTOS_SECRETS entry must be at least 32 bytes.');
    }
    return [...configured];
  }
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    warn(`CUSTOS_SECRETS is not set: generated a secret into ${file}. Set CUSTOS_SECRETS in production.`);
  } else {
    warn(`CUSTOS_SECRETS is not set: using the generated secret in ${file}.`);
  }
  return [readFileSync(file, 'utf8').trim()];
}
