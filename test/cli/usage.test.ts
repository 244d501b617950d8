import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/core/manager.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';
import { buildCli, type Cli, type CliResult } from './harness.js';

const COMMANDS = [
  [],
  ['sessions'],
  ['sessions', 'list'],
  ['sessions', 'revoke'],
  ['purge'],
  ['backup'],
  ['restore'],
  ['migrate'],
  ['stats'],
  ['secret'],
  ['secret', 'generate'],
  ['doctor'],
];

/** One line on stderr, prefixed, and no stack trace. */
function expectOneLine(r: CliResult) {
  expect(r.stderr).toMatch(/^custos: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('custos usage and exit codes', () => {
  let cli: Cli;
  let dir: string;
  beforeAll(async () => {
    [cli, dir] = await Promise.all([buildCli(), mkdtemp(join(tmpdir(), 'custos-cli-usage-'))]);
  });
  afterAll(async () => {
    await cli?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('--help works on every command and exits 0', async () => {
    const results = await Promise.all(COMMANDS.map((c) => cli.run([...c, '--help'])));
    results.forEach((r, i) => {
      expect(r.code, COMMANDS[i]!.join(' ')).toBe(0);
      expect(r.stdout, COMMANDS[i]!.join(' ')).toMatch(/^Usage: custos/);
    });
  });

  it('bad usage exits 1 with one line on stderr', async () => {
    const cases = [
      ['sessions', 'lst', '--store', 'memory:'],
      ['stats', '--bogus', '--store', 'memory:'],
      ['sessions', 'list'],
      ['sessions', 'revoke', '--store', 'memory:'],
      ['sessions', 'revoke', 'abc', '--all', '--store', 'memory:'],
      ['purge', '--batch-size', '0', '--store', 'memory:'],
      ['restore', '--store', 'memory:'],
      ['stats', '--store', 'ftp://example'],
      ['secret', 'generate', '--bytes', '8'],
    ];
    const results = await Promise.all(cases.map((args) => cli.run(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(1);
      expectOneLine(r);
    });
  });

  it('sessions revoke tells a mistyped option from a handle that starts with "-"', async () => {
    const [typo, notHandle, two] = await Promise.all([
      cli.run(['sessions', 'revoke', '--usr', 'bob', '--store', 'memory:']),
      cli.run(['sessions', 'revoke', '-x', '--store', 'memory:']),
      cli.run(['sessions', 'revoke', 'abc', 'def', '--store', 'memory:']),
    ]);
    expect([typo.code, notHandle.code, two.code]).toEqual([1, 1, 1]);
    expect(typo.stderr).toBe("custos: unknown option '--usr'\n");
    expect(notHandle.stderr).toBe('custos: no live session with handle -x, and no option has that name\n');
    expect(two.stderr).toBe('custos: give one handle at a time (see `sessions list`)\n');
  });

  it('a store that cannot be reached exits 2 with one line naming it (no password)', async () => {
    const stores = [
      'redis://:hunter2-password@127.0.0.1:1',
      'postgres://postgres:hunter2-password@127.0.0.1:1/test',
      `sqlite:${join(dir, 'missing', 'none.db')}`,
    ];
    const runs = stores.flatMap((store) =>
      [
        ['sessions', 'list'],
        ['backup', join(dir, 'x.backup')],
      ].map((command) => [...command, '--store', store]),
    );
    const results = await Promise.all(runs.map((args) => cli.run(args)));
    results.forEach((r, i) => {
      expect(r.code, runs[i]!.join(' ')).toBe(2);
      expectOneLine(r);
      expect(r.stderr).toMatch(/cannot reach (redis|postgres|sqlite)/);
      expect(r.stderr).not.toContain('hunter2');
    });
  });

  it('a refused restore does not even create the target database', async () => {
    const bad = join(dir, 'foreign.backup');
    await writeFile(bad, 'not a backup\n');
    const db = join(dir, 'fresh.db');
    const r = await cli.run(['restore', bad, '--store', `sqlite:${db}`]);
    expect(r.code).toBe(1);
    expectOneLine(r);
    expect(existsSync(db)).toBe(false);
  });

  it('CUSTOS_STORE selects the store when --store is absent', async () => {
    const r = await cli.run(['stats', '--json'], { CUSTOS_STORE: 'memory:' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ active: 0, expiredAwaitingPurge: 0 });
  });

  it('secret generate prints a fresh 256-bit secret that createSessions accepts', async () => {
    const [a, b] = await Promise.all([
      cli.run(['secret', 'generate']),
      cli.run(['secret', 'generate', '--bytes', '48']),
    ]);
    expect(a.code).toBe(0);
    const secret = a.stdout.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(secret).not.toBe(b.stdout.trim());
    expect(() => createSessions({ secrets: [secret] })).not.toThrow();
  });

  it('secrets come from --secrets-file (newest first, comments ignored) and short ones are refused', async () => {
    const file = join(dir, 'secrets');
    await writeFile(file, `# rotated 2026-01\n${SECRET_B}\n\n${SECRET_A}\n`);
    const ok = await cli.run([
      'doctor',
      '--store',
      'memory:',
      '--secrets-file',
      file,
      '--origin',
      'https://bank.example',
    ]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^ok +secrets +2 secret/m);
    const short = await cli.run(['doctor', '--store', 'memory:', '--origin', 'https://bank.example'], {
      CUSTOS_SECRETS: 'too-short',
    });
    expect(short.code).toBe(1);
    expect(short.stdout).toMatch(/^fail +secrets +secrets\[0\] is 9 bytes/m);
    expect(short.stdout).not.toContain('too-short');
  });

  it('doctor checks the cookie against the origin', async () => {
    const env = { CUSTOS_SECRETS: SECRET_A };
    const plainHttp = await cli.run(['doctor', '--store', 'memory:', '--origin', 'http://bank.example'], env);
    expect(plainHttp.code).toBe(1);
    expect(plainHttp.stdout).toMatch(/^fail +origin +http:\/\/bank\.example: plain HTTP/m);
    const local = await cli.run(['doctor', '--store', 'memory:'], { ...env, CUSTOS_ORIGIN: 'http://localhost:3000' });
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/^ok +origin +http:\/\/localhost:3000/m);
    const hostWithDomain = await cli.run(
      ['doctor', '--store', 'memory:', '--origin', 'https://bank.example', '--cookie-domain', 'bank.example'],
      env,
    );
    expect(hostWithDomain.code).toBe(1);
    expect(hostWithDomain.stdout).toMatch(/^fail +cookie +a __Host- cookie must be Secure/m);
    const wrongDomain = await cli.run(
      [
        'doctor',
        '--store',
        'memory:',
        '--origin',
        'https://bank.example',
        '--cookie-name',
        '__Secure-sid',
        '--cookie-domain',
        'other.example',
      ],
      env,
    );
    expect(wrongDomain.stdout).toMatch(/^fail +origin .*does not cover bank\.example/m);
  });

  it('doctor exits 2 when the store is down, after printing every other check', async () => {
    const r = await cli.run(['doctor', '--store', 'redis://127.0.0.1:1', '--origin', 'https://bank.example'], {
      CUSTOS_SECRETS: SECRET_A,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ok +secrets/m);
    expect(r.stdout).toMatch(/^fail +store +cannot reach redis 127\.0\.0\.1:1/m);
  });
});
