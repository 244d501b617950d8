import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bunAndDeno, unexpectedStderr } from './bun-deno-runtimes.js';
import { buildPackage, type PackageBuild, type RuntimeServer, withRuntimeOutput } from './runtime-process.js';
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

for (const runtime of bunAndDeno(denoDir)) {
  describe(`custos, compiled as shipped, on ${runtime.name}`, () => {
    let server: RuntimeServer;
    beforeAll(async () => {
      server = await runtime.start(`${built.fixtures}${runtime.name === 'Bun' ? 'bun' : 'deno'}-server.mjs`);
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
      expect(unexpectedStderr(server)).toEqual([]);
    });
  });
}
