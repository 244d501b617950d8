import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bunAndDeno, unexpectedStderr } from './bun-deno-runtimes.js';
import { buildPackage, type PackageBuild, type RuntimeServer, withRuntimeOutput } from './runtime-process.js';
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

// These frameworks read process.env, which Deno grants only with --allow-env.
for (const runtime of bunAndDeno(denoDir, ['--allow-env'])) {
  describe(`Node frameworks with custos, compiled as shipped, on ${runtime.name}`, () => {
    let server: RuntimeServer;
    beforeAll(async () => {
      server = await runtime.start(`${built.fixtures}node-frameworks.mjs`);
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
      expect(unexpectedStderr(server)).toEqual([]);
    });
  });
}
