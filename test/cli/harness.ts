import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createSessions } from '../../src/core/manager.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { SECRET_A } from '../helpers/clock.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  run(args: readonly string[], env?: Record<string, string | undefined>): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/**
 * Compiles `src/cli/main.ts` exactly as shipped (same entry, same modules) into one file and runs
 * it with `node` as a child process. A private bundle per test file (built in ~0.2 s) instead of
 * `npm run build`: parallel test files and engineers never race on `dist/`. It lives under
 * node_modules/.cache so bare imports (commander, ioredis, pg, better-sqlite3) resolve as in an
 * installed package.
 */
export async function buildCli(): Promise<Cli> {
  const dir = join(process.cwd(), 'node_modules', '.cache', 'custos-cli-test', randomBytes(6).toString('hex'));
  await mkdir(dir, { recursive: true });
  const entry = join(dir, 'main.mjs');
  await build({
    entryPoints: [join(process.cwd(), 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: entry,
    logLevel: 'silent',
  });
  return {
    run: (args, env = {}) =>
      new Promise((resolve) => {
        const childEnv: Record<string, string | undefined> = { ...process.env, CUSTOS_STORE: undefined };
        childEnv.CUSTOS_SECRETS = undefined;
        childEnv.CUSTOS_ORIGIN = undefined;
        Object.assign(childEnv, env);
        for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
        execFile(
          process.execPath,
          [entry, ...args],
          { env: childEnv as NodeJS.ProcessEnv, timeout: 20_000 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A logged-in session made through the core, as an app would: its cookie and its handle. */
export interface LoggedIn {
  userId: string;
  cookie: string;
  handle: string;
  device: string;
  secretData: string;
}

const cookieName = '__Host-sid';

export function managerFor(store: SessionStore, clock?: () => number) {
  return createSessions<{ cart: string }>({ secrets: [SECRET_A], store, ...(clock ? { clock } : {}) });
}

export async function logIn(store: SessionStore, userId: string, clock?: () => number): Promise<LoggedIn> {
  const manager = managerFor(store, clock);
  const device = `TestBrowser/1.0 (${userId}; ${randomBytes(3).toString('hex')})`;
  const session = await manager.load({
    method: 'POST',
    url: '/login',
    headers: { host: 'localhost', 'user-agent': device },
    secure: false,
  });
  await session.login(userId);
  const secretData = `plaintext-cart-${randomBytes(6).toString('hex')}`;
  session.set('cart', secretData);
  await session.commit();
  const setCookie = session.responseHeaders().find(([n, v]) => n === 'set-cookie' && v.startsWith(`${cookieName}=`));
  if (!setCookie) throw new Error('login issued no cookie');
  const cookie = setCookie[1].split(';')[0]!;
  return { userId, cookie, handle: session.handle as string, device, secretData };
}

/** Which user a cookie belongs to now (null = the store no longer honours it), and its data. */
export async function whoIs(store: SessionStore, cookie: string): Promise<{ userId: string | null; cart: unknown }> {
  const session = await managerFor(store).load({
    method: 'GET',
    url: '/',
    headers: { host: 'localhost', cookie },
    secure: false,
  });
  return { userId: session.userId, cart: session.get('cart') };
}

export async function snapshot(store: SessionStore) {
  const records = [];
  for await (const r of store.exportRecords()) records.push(r);
  return records.sort((a, b) => a.id.localeCompare(b.id));
}

export const SECRETS_ENV = { CUSTOS_SECRETS: SECRET_A };
