import { readFileSync } from 'node:fs';
import { Keyring } from '../crypto/keyring.js';
import { type OpenedStore, type StoreUrlOptions, storeFromUrl } from '../stores/from-url.js';
import { splitCookieUrl } from './cookie-mode.js';
import { UsageError } from './exit-codes.js';

/** Options every command accepts (defined once on the root program). */
export interface GlobalOptions {
  store?: string;
  secretsFile?: string;
}

/** `--store`, else `CUSTOS_STORE`: the same URLs as the demo. */
export function storeUrl(options: GlobalOptions): string {
  const url = options.store ?? process.env.CUSTOS_STORE;
  if (!url) {
    throw new UsageError('no store given: pass --store <url> or set CUSTOS_STORE (e.g. sqlite:.data/sessions.db)');
  }
  return url;
}

/** Opens the store, runs `work`, and always closes it (so the process can exit). */
export async function withStore<T>(
  options: GlobalOptions,
  work: (opened: OpenedStore) => Promise<T>,
  urlOptions: StoreUrlOptions = { create: false },
): Promise<T> {
  return withStoreAt(storeUrl(options), work, urlOptions);
}

export async function withStoreAt<T>(
  url: string,
  work: (opened: OpenedStore) => Promise<T>,
  urlOptions: StoreUrlOptions = { create: false },
): Promise<T> {
  // `cookie:<url>`: a sealed-cookie app's revocation store is that store (see cookie-mode.ts).
  const opened = await storeFromUrl(splitCookieUrl(url).url, urlOptions);
  try {
    return await work(opened);
  } finally {
    await opened.close().catch(() => undefined);
  }
}

/**
 * The raw secrets, newest first: `--secrets-file` (one per line, `#` comments) or
 * `CUSTOS_SECRETS` (comma-separated). Empty when neither is given.
 */
export function readSecrets(options: GlobalOptions): string[] {
  if (options.secretsFile) {
    let text: string;
    try {
      text = readFileSync(options.secretsFile, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --secrets-file: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#'));
  }
  return (process.env.CUSTOS_SECRETS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The keyring, or null when no secrets were given. Too-short secrets are a usage error. */
export function loadKeyring(options: GlobalOptions): Keyring | null {
  const secrets = readSecrets(options);
  return secrets.length === 0 ? null : new Keyring(secrets);
}

/** Parses a positive whole-number option. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of at least 1`);
    return n;
  };
}
