import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMOKE_CJS } from './commonjs-sources.js';
import { CONSUMER_TS, CONSUMER_TSCONFIG, SMOKE_MJS } from './consumer-sources.js';
import { expressSessionApp } from './express-session-app-types.js';
import { type TypeFixture, typeFixtures } from './type-fixtures.js';
import { compile, PROJECT_DID_NOT_LOAD, typescriptCompilers } from './typescript-compilers.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
/** Every documented subpath, as a consumer spells it (`custos`, `custos/express`, ...). */
const SUBPATHS = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'custos' : `custos/${key.slice(2)}`));
/**
 * Peers the consumer brings itself: linked from this repo's install rather than downloaded, so
 * the test runs offline in CI. The tarball itself is installed with npm, exactly as users do.
 */
const COMPILERS = typescriptCompilers(ROOT);
const LINKED = [
  ...['express', 'fastify', 'fastify-plugin', 'koa', 'hono', 'ioredis', 'pg', 'prom-client', 'expect-type'],
  ...['@types/node', '@types/express', '@types/koa', '@types/better-sqlite3', '@types/pg', '@opentelemetry/api'],
];

let work: string;
let app: string;
let tarball: string;

async function sh(command: string, args: string[], cwd: string) {
  try {
    return await run(command, args, {
      cwd,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'custos-pack-'));
  app = join(work, 'app');
  // As from a clean checkout: no dist/ at all, so the tarball has one only if `prepack` builds it.
  await rm(join(ROOT, 'dist'), { recursive: true, force: true });
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', work], ROOT);
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]?.filename ?? 'missing.tgz');
  await mkdir(join(app, 'node_modules', '@types'), { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
  await mkdir(join(app, 'node_modules', '@opentelemetry'), { recursive: true });
  for (const name of LINKED) await symlink(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('declares frameworks and database clients as optional peer dependencies only', async () => {
    const installed = JSON.parse(await readFile(join(app, 'node_modules/custos/package.json'), 'utf8'));
    // The one runtime dependency is the CLI's argument parser; no library entry point imports it.
    expect(Object.keys(installed.dependencies ?? {})).toEqual(['commander']);
    const dist = join(app, 'node_modules/custos/dist');
    const libraryFiles = (await readdir(dist, { recursive: true }))
      .map(String)
      .filter((f) => f.endsWith('.js') && !f.startsWith('cli'));
    expect(libraryFiles.length).toBeGreaterThan(20);
    for (const file of libraryFiles)
      expect(await readFile(join(dist, file), 'utf8'), file).not.toMatch(/from ['"]commander['"]/);
    for (const peer of ['express', 'fastify', 'fastify-plugin', 'koa', 'hono', 'better-sqlite3', 'ioredis', 'pg']) {
      expect(installed.peerDependencies).toHaveProperty(peer);
      expect(installed.peerDependenciesMeta[peer]?.optional).toBe(true);
    }
  });

  it('publishes no member marked @internal in its declarations', async () => {
    const dist = join(app, 'node_modules/custos/dist');
    const declarations = (await readdir(dist, { recursive: true })).map(String).filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(20);
    const leaked = [];
    for (const file of declarations)
      if ((await readFile(join(dist, file), 'utf8')).includes('@internal')) leaked.push(file);
    expect(leaked).toEqual([]);
    // The manager's hooks on Session are what @internal hides; the public methods stay.
    const session = await readFile(join(dist, 'core/session.d.ts'), 'utf8');
    expect(session).not.toMatch(/internalGet|refreshCookie|preSessionFormToken/);
    expect(session).toMatch(/commit\(\): Promise<void>/);
  });

  it('packs a fresh build through prepack, with a LICENSE and no source map naming an unshipped file', async () => {
    const installed = join(app, 'node_modules/custos');
    const entries = (await readdir(installed, { recursive: true })).map(String);
    expect(entries).toContain('LICENSE');
    expect(entries).toContain('dist/index.js');
    expect(entries).toContain('dist/adapters/express-session/index.cjs');
    for (const map of entries.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(await readFile(join(installed, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(entries, `${map} names ${source}`).toContain(join(dirname(map), source));
    }
  });

  it('every subpath works from require() on this Node, as the same module import() gives', async () => {
    await writeFile(join(app, 'smoke.cjs'), SMOKE_CJS);
    const { stdout, stderr } = await sh(process.execPath, ['smoke.cjs', JSON.stringify(SUBPATHS)], app);
    const report = JSON.parse(stdout) as {
      node: string;
      required: Record<string, { type: string; keys: string[] }>;
      sameAsImport: Record<string, boolean>;
      session: Record<string, unknown>;
      sameErrorClass: boolean;
      app: unknown;
    };
    // Node's "require() of ES modules is experimental" warning would greet every CommonJS user.
    expect(stderr).toBe('');
    expect(report.node).toBe(process.versions.node);
    for (const subpath of SUBPATHS) {
      expect(report.required[subpath]?.keys, subpath).not.toEqual([]);
      expect(report.sameAsImport[subpath], subpath).toBe(true);
    }
    expect(report.required['custos/express-session']?.type).toBe('function');
    expect(report.required.custos?.keys).toEqual(expect.arrayContaining(['createSessions', 'CustosError']));
    // What docs/cli.md tells programs to import instead of src/ files.
    expect(report.required['custos/stores']?.keys).toEqual(['storeFromUrl']);
    expect(report.required['custos/backup']?.keys).toEqual(
      expect.arrayContaining(['backupStore', 'restoreStore', 'verifyBackupFile', 'exportSessions', 'importSessions']),
    );
    expect(report.session).toEqual({
      type: 'function',
      isDefaultExport: true,
      Store: 'function',
      MemoryStore: 'function',
      storeIsEsmStore: true,
      missingNamed: [],
      dotDefault: true,
      memoryStoreIsStore: true,
    });
    expect(report.sameErrorClass).toBe(true);
    expect(report.app).toEqual({
      cookie: true,
      first: { views: 1 },
      second: { views: 2 },
    });
  });

  it('states in engines the Node versions whose require() loads ES modules', async () => {
    const installed = JSON.parse(await readFile(join(app, 'node_modules/custos/package.json'), 'utf8'));
    expect(installed.engines).toEqual({ node: '^20.19.0 || >=22.12.0' });
  });

  it('every documented subpath imports from ESM, and the Fetch, Hono and Fastify adapters run', async () => {
    await writeFile(join(app, 'smoke.mjs'), SMOKE_MJS);
    const { stdout } = await sh(process.execPath, ['smoke.mjs', JSON.stringify(SUBPATHS)], app);
    const report = JSON.parse(stdout) as {
      imported: Record<string, string[]>;
      runs: Record<string, unknown>;
    };
    for (const subpath of SUBPATHS) expect(report.imported[subpath], subpath).not.toEqual([]);
    expect(report.imported['custos/testing']).toEqual(
      expect.arrayContaining(['runAdapterScenarios', 'runStoreConformance', 'makeRecord']),
    );
    expect(report.runs.fetch).toEqual({ cookie: true, body: { visits: 1 } });
    expect(report.runs.hono).toEqual({ who: 'hono' });
    expect(report.runs.fastify).toEqual({ who: 'fastify' });
  });

  it('publint finds nothing to report in the tarball', async () => {
    const { stdout } = await sh(join(ROOT, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], ROOT);
    expect(stdout).not.toMatch(/Errors:|Warnings:|Suggestions:/);
    expect(stdout).toMatch(/All good/);
  });
});

/** A one-file TypeScript project in `dir`: its package.json `type`, index.ts and tsconfig.json. */
async function writeProject(dir: string, project: Pick<TypeFixture, 'type' | 'compilerOptions' | 'source'>) {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: basename(dir), private: true, type: project.type }),
  );
  await writeFile(join(dir, 'index.ts'), project.source);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: project.compilerOptions, files: ['index.ts'] }, null, 2),
  );
}

for (const compiler of COMPILERS) {
  describe(`types from the tarball under TypeScript ${compiler.version}, each moduleResolution it has`, () => {
    it('is the TypeScript major these fixtures are chosen for', () => {
      expect(compiler.version.split('.')[0]).toBe(String(compiler.major));
    });

    it('a TypeScript consumer type-checks against the installed types (declaration merging, misuse rejected)', async () => {
      // Every documented subpath must resolve to types, not only the ones the consumer uses.
      const everySubpath = SUBPATHS.map(
        (subpath, i) => `import * as subpath${i} from '${subpath}';\nvoid subpath${i};`,
      );
      await writeFile(join(app, 'consumer.ts'), `${CONSUMER_TS}\n${everySubpath.join('\n')}\n`);
      await writeFile(join(app, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
      const output = await compile(compiler, app);
      // skipLibCheck is off so our own .d.ts files are checked; errors inside other packages'
      // declarations (version skew between @types packages) are not ours to judge here.
      const ours = output.split('\n').filter((line) => /^(consumer\.ts|node_modules\/custos\/)/.test(line));
      expect(ours).toEqual([]);
      expect(output).not.toMatch(PROJECT_DID_NOT_LOAD);
    }, 120_000);

    it("an augmentation still naming 'express-session' fails to compile at that line (TS2664), as the migration guide says", async () => {
      const dir = join(app, `ts${compiler.major}`, 'types-express-session-old-augmentation');
      const source = expressSessionApp('custos/express-session', 'esm').replace(
        "declare module 'custos/express-session'",
        "declare module 'express-session'",
      );
      const compilerOptions = { strict: true, noEmit: true, types: ['node'], module: 'NodeNext', skipLibCheck: true };
      await writeProject(dir, { type: 'module', compilerOptions, source });
      const output = await compile(compiler, dir);
      expect(output).toMatch(
        /index\.ts\(4,\d+\): error TS2664: Invalid module name in augmentation, module 'express-session'/,
      );
      expect(output).not.toMatch(PROJECT_DID_NOT_LOAD);
    }, 120_000);

    for (const fixture of typeFixtures(SUBPATHS, compiler.major)) {
      const proves = fixture.proves ?? 'every subpath resolves to types, misuse fails to compile';
      it(`${fixture.dir}: ${proves}`, async () => {
        const dir = join(app, `ts${compiler.major}`, fixture.dir);
        await writeProject(dir, fixture);
        const output = await compile(compiler, dir);
        // Errors in our fixture or in custos's declarations; other packages' are not ours to judge
        // (TypeScript 7 reports a symlinked peer by its real path, still under a node_modules/).
        const ours = output
          .split('\n')
          .filter((line) => /error TS/.test(line))
          .filter((line) => !line.includes('node_modules/') || line.includes('node_modules/custos/'));
        expect(ours).toEqual([]);
        expect(output).not.toMatch(PROJECT_DID_NOT_LOAD);
      }, 120_000);
    }
  });
}

describe('TypeScript 7 and moduleResolution node10', () => {
  it('7 refuses node10 itself (TS5108), so node10 is tested, and documented, as a TypeScript 5 mode', async () => {
    const ts7 = COMPILERS.find((compiler) => compiler.major === 7);
    const dir = join(app, 'ts7-node10-refused');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'index.ts'), "import session = require('custos/express-session');\nvoid session;\n");
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'CommonJS', moduleResolution: 'Node10', noEmit: true } }),
    );
    expect(ts7).toBeDefined();
    if (ts7) expect(await compile(ts7, dir)).toMatch(/error TS5108: Option 'moduleResolution=node10' has been removed/);
  });
});
