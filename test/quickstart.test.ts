import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/ports.js';

const repo = new URL('..', import.meta.url).pathname;

/**
 * The README's quick start on a fresh clone: `npm start` with no configuration serves the bank
 * on SQLite, generating its secret into `.data/`. (`npm install` itself is what `.ci/run` proves
 * with `npm ci`; the clone borrows this checkout's node_modules to stay fast.)
 */
describe('README quick start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custos-quickstart-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    // npm → sh → tsx → node: end the whole process group, not just npm.
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm start on a fresh clone serves the bank on SQLite', async () => {
    const clone = join(dir, 'custos');
    execFileSync('git', ['clone', '--quiet', repo, clone]);
    symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'));
    const port = await freePort();
    child = spawn('npm', ['start'], {
      cwd: clone,
      env: { ...process.env, PORT: String(port), ATTACKER_PORT: '0', CUSTOS_SECRETS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    let home: Response | undefined;
    for (let i = 0; i < 100 && !home; i++) {
      await new Promise((r) => setTimeout(r, 300));
      home = await fetch(`http://localhost:${port}/`).catch(() => undefined);
    }
    expect(home?.status, output).toBe(200);
    expect(await home?.text()).toMatch(/bank/i);
    expect((await fetch(`http://localhost:${port}/healthz`)).status).toBe(200);
    const login = await fetch(`http://localhost:${port}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="_csrf"');
    expect(existsSync(join(clone, '.data', 'sessions.db'))).toBe(true);
  });
});
