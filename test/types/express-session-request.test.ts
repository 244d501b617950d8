import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { expressSessionApp } from '../packaging/express-session-app-types.js';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * Outside test/ on purpose: the app's augmentation is global, and the repo's own type-check loads
 * custos/express too, whose `req.session` takes precedence when both entries are in one program.
 */
const DIR = join(ROOT, 'node_modules/.cache', `custos-express-session-types-${process.pid}`);
const ENTRY = '../../../src/adapters/express-session/index.js';

afterAll(() => rm(DIR, { recursive: true, force: true }));

it('an Express app on custos/express-session gets req.session (augmented SessionData), req.sessionID and req.sessionStore typed; misuse fails', async () => {
  await mkdir(DIR, { recursive: true });
  await writeFile(join(DIR, 'app.ts'), expressSessionApp(ENTRY, 'esm'));
  await writeFile(
    join(DIR, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: true, incremental: false },
      include: [],
      files: ['app.ts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', join(DIR, 'tsconfig.json')], {
    cwd: ROOT,
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  // Only the app and the files that declare what it uses: work in progress elsewhere is not judged here.
  const ours = output
    .split('\n')
    .filter((line) => /(app\.ts|src\/adapters\/express(-session\/|-request\.ts))/.test(line));
  expect(ours).toEqual([]);
  expect(output).not.toMatch(/error TS(5083|6053|18003)/);
}, 120_000);
