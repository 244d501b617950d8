import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bin,
  buildPackage,
  type PackageBuild,
  type RuntimeServer,
  startRuntime,
  withRuntimeOutput,
} from './runtime-process.js';
import { driveSessionFlow } from './session-flow.js';

/**
 * The Hono and Fetch adapters, in memory and sealed-cookie mode, on real Bun and Deno servers
 * (test/fixtures/runtimes/) importing the compiled package, driven from Node over HTTP.
 */
const denoDir = mkdtempSync(join(tmpdir(), 'custos-deno-'));
let built: PackageBuild;
beforeAll(async () => {
  built = await buildPackage();
});
afterAll(async () => {
  await built?.remove();
  rmSync(denoDir, { recursive: true, force: true });
});

const runtimes = [
  {
    name: 'Bun',
    version: /^bun 1\./,
    start: () =>
      startRuntime(bin('bun'), [`${built.fixtures}bun-server.mjs`], {
        env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' },
      }),
  },
  {
    name: 'Deno',
    version: /^deno 2\./,
    // The network is closed, and nothing may be fetched: no remote modules, no npm downloads
    // (`manual`: bare specifiers resolve from the repo's node_modules, never installed), no update check, a private cache.
    start: () =>
      startRuntime(
        bin('deno'),
        [
          'run',
          '--no-remote',
          '--no-prompt',
          '--node-modules-dir=manual',
          '--allow-net=127.0.0.1',
          '--allow-read=.',
          `${built.fixtures}deno-server.mjs`,
        ],
        { env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: denoDir, NO_COLOR: '1' } },
      ),
  },
];

for (const runtime of runtimes) {
  describe(`custos, compiled as shipped, on ${runtime.name}`, () => {
    let server: RuntimeServer;
    beforeAll(async () => {
      server = await runtime.start();
    });
    afterAll(async () => {
      await server?.stop();
    });

    for (const adapter of ['hono', 'fetch'] as const) {
      for (const mode of ['memory', 'cookie'] as const) {
        it(`${adapter} adapter, ${mode} sessions: create, read back, CSRF refusal, login rotation, logout`, async () => {
          await withRuntimeOutput(server, () => driveSessionFlow(server.origin, `${adapter}-${mode}`, runtime.version));
        });
      }
    }

    it('raises no error on the runtime, only the documented per-process revocation warning', () => {
      const lines = server
        .stderr()
        .split('\n')
        .filter((line) => line.trim() !== '');
      const unexpected = lines.filter((line) => !/cookie-revocation-per-process|--trace-warnings/.test(line));
      expect(unexpected).toEqual([]);
    });
  });
}
