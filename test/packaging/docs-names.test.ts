import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The user-facing documents may name only what a user gets from npm: subpaths in `exports`,
 * never a file under src/ (not shipped), and link only to files inside the repository.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
/** docs/SECURITY.md is the maintainers' checklist and cites source files as its evidence on purpose. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'SECURITY.md')
    .map((name) => `docs/${name}`),
];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe.each(DOCUMENTS)('%s', (file) => {
  it('imports only subpaths the package exports', () => {
    const specifiers = [...read(file).matchAll(/['"`](custos(?:\/[a-z0-9/-]+)?)['"`]/g)].map((m) => m[1] as string);
    for (const specifier of new Set(specifiers)) {
      const key = specifier === 'custos' ? '.' : `./${specifier.slice('custos/'.length)}`;
      expect(Object.keys(pkg.exports), `${file} names ${specifier}`).toContain(key);
    }
  });

  it('points at no source file a user does not have', () => {
    const mentions = read(file).match(/`src\/[^`]*`/g) ?? [];
    expect(mentions).toEqual([]);
  });

  it('links only to files inside the repository', () => {
    const links = [...read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] as string);
    for (const link of links.filter((l) => !/^[a-z]+:/i.test(l))) {
      const target = resolve(ROOT, dirname(file), link);
      expect(target.startsWith(`${ROOT}/`), `${file} links outside the repository: ${link}`).toBe(true);
      expect(existsSync(target), `${file} links to a missing file: ${link}`).toBe(true);
    }
  });
});

describe('docs/cli.md', () => {
  it('tells programs to import functions that its two subpaths do export', async () => {
    const text = read('docs/cli.md');
    const named = {
      'custos/stores': ['storeFromUrl'],
      'custos/backup': ['backupStore', 'restoreStore', 'verifyBackupFile', 'exportSessions', 'importSessions'],
    };
    const entries: Record<string, Record<string, unknown>> = {
      'custos/stores': await import('../../src/stores/index.js'),
      'custos/backup': await import('../../src/backup/index.js'),
    };
    for (const [subpath, names] of Object.entries(named)) {
      expect(text).toContain(`from \`${subpath}\``);
      for (const name of names) {
        expect(text).toContain(`\`${name}(`);
        expect(typeof entries[subpath]?.[name], `${subpath} ${name}`).toBe('function');
      }
    }
  });
});
