/**
 * The TypeScript compilers a consumer's project may use on custos's published types: the 5.x line
 * (`typescript`) and the native TypeScript 7 (`typescript7`, the Go port). TypeScript 7 removed
 * `moduleResolution` `node10` and `classic` (error TS5108), so node10 is a 5.x-only mode; a 7.x
 * CommonJS project that names no `moduleResolution` gets `bundler` with the `require` condition.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TypeScriptCompiler {
  /** The major version the fixtures are chosen by. */
  major: 5 | 7;
  /** The version installed, as `tsc --version` would print it. */
  version: string;
  bin: string;
}

export function typescriptCompilers(root: string): TypeScriptCompiler[] {
  return [
    { major: 5, dir: 'typescript' },
    { major: 7, dir: 'typescript7' },
  ].map(({ major, dir }) => {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules', dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    return { major: major as 5 | 7, version, bin: join(root, 'node_modules', dir, 'bin/tsc') };
  });
}

/** `tsc -p <project>` in `cwd`; its report whether it failed or not (the test judges the lines). */
export function compile(compiler: TypeScriptCompiler, cwd: string, project = 'tsconfig.json'): Promise<string> {
  return promisify(execFile)(process.execPath, [compiler.bin, '-p', project], {
    cwd,
    maxBuffer: 32 * 1024 * 1024,
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout || String(error),
  );
}

/**
 * Errors about the project itself rather than its code: a file or tsconfig that did not load
 * (6053, 5083, 18003), an option TypeScript 5 deprecated (5095, 5101, 5107) or TypeScript 7 removed
 * (5102, 5108). Any of them means the fixture proved nothing.
 */
export const PROJECT_DID_NOT_LOAD = /error TS(6053|5083|18003|5095|5101|5107|5102|5108)\b/;

/**
 * Type-checks `files` (written into `dir`) against this checkout's sources under the repo's own
 * tsconfig, and returns the compiler's report. rootDir is the checkout: TypeScript 7 defaults it
 * to the tsconfig's folder, which the sources are not under. The project is named from `root` by
 * its path through node_modules (which may be a symlink): a child started in `dir` would see only
 * its real path, outside this checkout.
 */
export async function compileAgainstSources(
  compiler: TypeScriptCompiler,
  root: string,
  dir: string,
  files: Readonly<Record<string, string>>,
  extraFiles: readonly string[] = [],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true, incremental: false, rootDir: root },
      include: [],
      files: [...Object.keys(files), ...extraFiles],
    }),
  );
  return compile(compiler, root, join(dir, 'tsconfig.json'));
}
