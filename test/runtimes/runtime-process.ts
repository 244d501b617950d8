import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE_SOURCES = fileURLToPath(new URL('../fixtures/runtimes/', import.meta.url));
export const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;

export interface PackageBuild {
  /** Holds `dist/` (the package's modules) and `test/fixtures/runtimes/` (the servers), as in the repo. */
  readonly root: string;
  readonly fixtures: string;
  remove(): Promise<void>;
}

/**
 * Compiles src/ module by module into a private `dist/`, laid out file for file as
 * `npm run build` lays out the shipped one (same modules, same relative imports, no bundling),
 * with copies of the fixture servers beside it. Why not the repo's dist/: the packaging test
 * deletes and rebuilds it while other test files run, so a runtime started then would find
 * half a package. It lives under node_modules/.cache so bare imports (`hono`) resolve as in an
 * installed app; its package.json makes its `.js` files ES modules, as custos's own does.
 */
export async function buildPackage(): Promise<PackageBuild> {
  const root = join(ROOT, 'node_modules', '.cache', 'custos-runtimes-test', randomBytes(6).toString('hex'));
  const src = join(ROOT, 'src');
  const entryPoints = (await readdir(src, { recursive: true }))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  await build({
    entryPoints,
    outdir: join(root, 'dist'),
    outbase: src,
    bundle: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
  });
  await writeFile(join(root, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const fixtures = join(root, 'test', 'fixtures', 'runtimes');
  await cp(FIXTURE_SOURCES, fixtures, { recursive: true });
  return { root, fixtures: `${fixtures}/`, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface RuntimeServer {
  readonly origin: string;
  /** Everything the process wrote to stderr so far (warnings, errors), for assertions and failures. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts a runtime and resolves once it prints `listening <port>` (or `port` is given and
 * `ready` matches a line of its output). Rejects with the process's output if it exits first.
 */
export function startRuntime(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; port?: number; ready?: RegExp; cwd?: string } = {},
): Promise<RuntimeServer> {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server = (port: number): RuntimeServer => ({
    origin: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  });
  return new Promise((resolve, reject) => {
    const check = () => {
      const announced = /^listening (\d+)$/m.exec(stdout);
      if (announced) resolve(server(Number(announced[1])));
      else if (options.port !== undefined && options.ready?.test(stdout + stderr)) resolve(server(options.port));
    };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      check();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      check();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`${command} exited (${code ?? signal}) before listening:\n${stdout}\n${stderr}`)),
    );
  });
}

/** Runs `flow`; if it fails, the failure also shows what the runtime wrote to stderr. */
export async function withRuntimeOutput(server: RuntimeServer, flow: () => Promise<void>): Promise<void> {
  try {
    await flow();
  } catch (error) {
    if (error instanceof Error && server.stderr() !== '')
      error.message += `\n--- runtime stderr ---\n${server.stderr()}`;
    throw error;
  }
}
