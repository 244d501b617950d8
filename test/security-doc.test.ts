import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/SECURITY.md grades each checklist row from its tests: a "met" row names the tests that
 * prove it (`ROW-NN what the test says`). A renamed or deleted test would leave the row claiming
 * what nothing proves any more, so every test a row names must still exist by that name.
 */
const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const normalise = (text: string) => text.replaceAll('’', "'");
const testText = normalise(
  [...sources(join(ROOT, 'test')), ...sources(join(ROOT, 'src/testing'))]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n'),
);

interface Row {
  readonly id: string;
  readonly status: string;
  readonly cited: string[];
}

function rows(): Row[] {
  const doc = readFileSync(join(ROOT, 'docs/SECURITY.md'), 'utf8');
  const out: Row[] = [];
  for (const line of doc.split('\n')) {
    const row = /^\| ([A-Z]+-\d+) \| (?:MUST|SHOULD|MAY) \| \*\*([a-z/ -]+)\*\*/.exec(line);
    if (!row) continue;
    // A cited test: a backticked phrase starting with a checklist id; `…` ends the quoted part.
    const cited = [...line.matchAll(/`((?:[A-Z]+-\d+ )+[^`]+)`/g)].map((m) =>
      normalise((m[1] as string).split('…')[0] as string).trim(),
    );
    out.push({ id: row[1] as string, status: row[2] as string, cited });
  }
  return out;
}

/**
 * Test titles built from a template match on their fixed words: `CSRF-01 <METHOD> needs…` for
 * `CSRF-01 ${method} needs…`, and `CSRF-06 rejects…` for `CSRF-06 ${name}` over a list of names.
 */
function exists(title: string): boolean {
  if (testText.includes(title)) return true;
  const parts = title
    .split(/<[A-Z]+>/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length > 1 && parts.every((p) => testText.includes(p))) return true;
  const [, ids, rest] = /^((?:[A-Z]+-\d+ )+)(.*)$/.exec(title) ?? [];
  return ids !== undefined && testText.includes(`${ids}\${`) && testText.includes(`'${rest}`);
}

describe('docs/SECURITY.md grades rows from tests that exist', () => {
  const all = rows();

  it('reads the checklist table', () => {
    expect(all.length).toBeGreaterThan(60);
  });

  it('most rows marked met name the tests that prove them', () => {
    const met = all.filter((r) => r.status === 'met');
    expect(met.length).toBeGreaterThan(40);
    expect(met.filter((r) => r.cited.length > 0).length).toBeGreaterThan(met.length * 0.8);
  });

  it('every test a row names exists by that name', () => {
    const missing = all.flatMap((r) => r.cited.filter((title) => !exists(title)).map((title) => `${r.id}: ${title}`));
    expect(missing).toEqual([]);
  });
});
