import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { expressSessionApp } from '../packaging/express-session-app-types.js';
import { compileAgainstSources, PROJECT_DID_NOT_LOAD, typescriptCompilers } from '../packaging/typescript-compilers.js';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * Outside test/ on purpose: the app's augmentation is global, and the repo's own type-check loads
 * custos/express too, whose `req.session` takes precedence when both entries are in one program.
 */
const DIR = join(ROOT, 'node_modules/.cache', `custos-express-session-types-${process.pid}`);
/** Absolute, so the sources checked are this checkout's even where node_modules is a symlink. */
const ENTRY = join(ROOT, 'src/adapters/express-session/index.js');

afterAll(() => rm(DIR, { recursive: true, force: true }));

for (const compiler of typescriptCompilers(ROOT)) {
  it(`TypeScript ${compiler.version}: an Express app on custos/express-session gets req.session (augmented SessionData), req.sessionID and req.sessionStore typed; misuse fails`, async () => {
    const output = await compileAgainstSources(compiler, ROOT, join(DIR, `ts${compiler.major}`), {
      'app.ts': expressSessionApp(ENTRY, 'esm'),
    });
    // Only the app and the files that declare what it uses: work in progress elsewhere is not judged here.
    const ours = output
      .split('\n')
      .filter((line) => /(app\.ts|src\/adapters\/express(-session\/|-request\.ts))/.test(line));
    expect(ours).toEqual([]);
    expect(output).not.toMatch(PROJECT_DID_NOT_LOAD);
  }, 120_000);
}
