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
 * Express, Koa and Fastify apps with custos, compiled as shipped, on real Bun and Deno servers
 * through their node:http compatibility (test/fixtures/runtimes/node-frameworks.mjs), driven from
 * Node over HTTP: the same session story as the Hono and Fetch adapters in bun-deno.test.ts.
 */
const denoDir = mkdtempSync(join(tmpdir(), 'custos-deno-node-'));
let built: PackageBuild;
beforeAll(async () => {
  built = await buildPackage();
});
afterAll(async () => {
  await built?.remove();
  rmSync(denoDir, { recursive: true, force: true });
});

const script = () => `${built.fixtures}node-frameworks.mjs`;
const runtimes = [
  {
    name: 'Bun',
    version: /^bun 1\./,
    start: () => startRuntime(bin('bun'), [script()], { env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' } }),
  },
  {
    name: 'Deno',
    version: /^deno 2\./,
    // As in bun-deno.test.ts: nothing fetched, bare imports from the repo's node_modules.
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
          '--allow-env',
          script(),
        ],
        { env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: denoDir, NO_COLOR: '1' } },
      ),
  },
];

for (const runtime of runtimes) {
  describe(`Node frameworks with custos, compiled as shipped, on ${runtime.name}`, () => {
    let server: RuntimeServer;
    beforeAll(async () => {
      server = await runtime.start();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    for (const framework of ['express', 'koa', 'fastify'] as const) {
      for (const mode of ['memory', 'cookie'] as const) {
        it(`${framework}, ${mode} sessions: create, read back, CSRF refusal, login rotation, logout`, async () => {
          await withRuntimeOutput(server, () =>
            driveSessionFlow(server.origin, `${framework}-${mode}`, runtime.version),
          );
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
