import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The engine stays split by concept: small files, and one file that answers "how does a store
 * get written?" for a session.
 */
const CORE = resolve(import.meta.dirname, '../../src/core');
const files = readdirSync(CORE).filter((name) => name.endsWith('.ts'));
const read = (name: string) => readFileSync(join(CORE, name), 'utf8');

describe('src/core/ is split by concept', () => {
  it('reads the session and manager modules', () => {
    expect(files).toEqual(expect.arrayContaining(['session.ts', 'session-commit.ts', 'manager.ts']));
  });

  it('has no file over 250 lines', () => {
    const long = files
      .map((name) => ({ name, lines: read(name).split('\n').length - 1 }))
      .filter(({ lines }) => lines > 250);
    expect(long).toEqual([]);
  });

  it('builds store patches in session-commit.ts only', () => {
    const patching = files.filter((name) => /\.patch\(/.test(read(name)));
    expect(patching).toEqual(['session-commit.ts']);
  });

  it('creates stored sessions in session-commit.ts only', () => {
    const creating = files.filter((name) => /store\.create\(/.test(read(name)));
    expect(creating).toEqual(['session-commit.ts']);
  });
});
