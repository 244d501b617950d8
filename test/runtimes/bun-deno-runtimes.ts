import { bin, type RuntimeServer, startRuntime } from './runtime-process.js';

export interface ScriptRuntime {
  readonly name: 'Bun' | 'Deno';
  /** What the app reports as its runtime (`bun 1.x`, `deno 2.x`). */
  readonly version: RegExp;
  start(script: string): Promise<RuntimeServer>;
}

/**
 * Bun and Deno from the dev dependencies, started on a server script. The network is closed and
 * nothing may be fetched: Deno gets no remote modules, no npm downloads (`manual`: bare
 * specifiers resolve from the repo's node_modules, never installed), no update check, a private
 * cache, and only the permissions given.
 */
export function bunAndDeno(denoDir: string, denoPermissions: readonly string[] = []): ScriptRuntime[] {
  return [
    {
      name: 'Bun',
      version: /^bun 1\./,
      start: (script) => startRuntime(bin('bun'), [script], { env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' } }),
    },
    {
      name: 'Deno',
      version: /^deno 2\./,
      start: (script) =>
        startRuntime(
          bin('deno'),
          [
            'run',
            '--no-remote',
            '--no-prompt',
            '--node-modules-dir=manual',
            '--allow-net=127.0.0.1',
            '--allow-read=.',
            ...denoPermissions,
            script,
          ],
          { env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: denoDir, NO_COLOR: '1' } },
        ),
    },
  ];
}

/** stderr lines other than the documented per-process revocation warning. */
export function unexpectedStderr(server: RuntimeServer): string[] {
  return server
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !/cookie-revocation-per-process|--trace-warnings/.test(line));
}
