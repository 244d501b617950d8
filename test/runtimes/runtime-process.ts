import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/runtimes/', import.meta.url));
export const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;

/** The fixtures import dist/ as users import the package: without a build they would test nothing. */
export function requireBuild(): void {
  if (!existsSync(`${ROOT}dist/index.js`) || !existsSync(`${ROOT}dist/adapters/fetch.js`)) {
    throw new Error('dist/ is missing: run `npm run build` before these tests (CI does)');
  }
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
