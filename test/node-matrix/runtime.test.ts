import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * Proves a run is on the Node it claims to be on. Under scripts/node-matrix.sh (which sets the
 * CUSTOS_MATRIX_* variables) the worker, any `node` a test spawns from PATH, and the SQLite addon
 * must all be the matrix version's: otherwise a "Node 24 pass" could silently be a Node 20 pass.
 * In the ordinary suite (no variables) it checks the engines range and that SQLite loads.
 */
const require = createRequire(import.meta.url);
const matrix = {
  major: process.env.CUSTOS_MATRIX_NODE_MAJOR,
  node: process.env.CUSTOS_MATRIX_NODE_PATH,
  addon: process.env.CUSTOS_MATRIX_SQLITE_ADDON,
};
const inMatrix = matrix.major !== undefined;
const REPO_ADDON = /\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/;
const majorOf = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe('the Node this suite runs on', () => {
  it('is a supported major, and the matrix version when run by the matrix', () => {
    const major = majorOf(process.versions.node);
    expect(major).toBeGreaterThanOrEqual(20); // package.json engines
    expect(major).toBe(inMatrix ? Number(matrix.major) : major);
    expect(process.execPath).toBe(inMatrix ? matrix.node : process.execPath);
  });

  it('is also the `node` that spawned tools (npm, tsx, CLIs) find on PATH', () => {
    const version = execFileSync('node', ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    expect(majorOf(version)).toBe(majorOf(process.versions.node));
  });

  it('loads better-sqlite3 built for its own ABI, in the worker and in a spawned node', () => {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    expect(db.prepare('select 1 + 1 as two').get()).toEqual({ two: 2 });
    db.close();
    const loaded = Object.keys(require.cache).filter((path) => path.endsWith('better_sqlite3.node'));
    expect(loaded).toEqual([inMatrix ? matrix.addon : expect.stringMatching(REPO_ADDON)]);

    const child = execFileSync(
      'node',
      [
        '-e',
        "const D = require('better-sqlite3'); process.stdout.write(String(new D(':memory:').pragma('user_version', { simple: true })))",
      ],
      { encoding: 'utf8', cwd: process.cwd() },
    );
    expect(child).toBe('0');
  });
});
