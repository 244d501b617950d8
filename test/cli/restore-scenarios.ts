import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/stores/contract.js';
import { type OpenedStore, storeFromUrl } from '../../src/stores/from-url.js';
import { buildCli, type Cli, logIn, managerFor, SECRETS_ENV, whoIs } from './harness.js';
import type { CliTarget } from './scenarios.js';

/** `custos restore` and the revocations made after the backup, through the built binary on one real store. */
export function restoreRevocationScenarios(label: string, makeTarget: () => Promise<CliTarget>): void {
  describe(`custos restore keeps or resurrects revocations on ${label}`, () => {
    let cli: Cli;
    let target: CliTarget;
    let opened: OpenedStore;
    let store: SessionStore;
    let dir: string;
    const run = (...args: string[]) => cli.run(['--store', target.url, ...args], SECRETS_ENV);
    const someone = (name: string) => `${label}-${name}-${Math.random().toString(36).slice(2, 8)}`;

    beforeAll(async () => {
      [cli, target, dir] = await Promise.all([buildCli(), makeTarget(), mkdtemp(join(tmpdir(), 'custos-restore-'))]);
      opened = await storeFromUrl(target.url);
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
      await target?.cleanup();
      await cli?.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('warns at run time that a logout since the backup is undone, and --keep-revocations keeps it', async () => {
      const [alice, bob, carol] = [
        await logIn(store, someone('alice')),
        await logIn(store, someone('bob')),
        await logIn(store, someone('carol')),
      ];
      const file = join(dir, 'before-logout.backup');
      expect((await run('backup', file)).code).toBe(0);
      // After the backup: alice signs out, an admin revokes carol.
      await managerFor(store).revoke(alice.handle);
      expect((await run('sessions', 'revoke', carol.handle)).code).toBe(0);

      const plain = await run('restore', file);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stderr).toMatch(/warning: sessions logged out or revoked since .* come back signed in/);
      expect(plain.stderr).toContain('--keep-revocations');
      // What the warning is about: both are signed in again.
      expect((await whoIs(store, alice.cookie)).userId).toBe(alice.userId);
      expect((await whoIs(store, carol.cookie)).userId).toBe(carol.userId);

      await managerFor(store).revoke(alice.handle);
      await managerFor(store).revoke(carol.handle);
      const kept = await run('restore', file, '--keep-revocations');
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stderr).not.toMatch(/warning/);
      expect(kept.stdout).toMatch(/^restored 1 session into .*2 not live in the target \(kept signed out\)/);
      expect((await whoIs(store, alice.cookie)).userId).toBeNull();
      expect((await whoIs(store, carol.cookie)).userId).toBeNull();
      expect(await whoIs(store, bob.cookie)).toEqual({ userId: bob.userId, cart: bob.secretData });
    });

    it('--keep-revocations after `sessions revoke --all` signs nobody back in', async () => {
      const people = [await logIn(store, someone('dave')), await logIn(store, someone('erin'))];
      const file = join(dir, 'before-revoke-all.backup');
      expect((await run('backup', file)).code).toBe(0);
      expect((await run('sessions', 'revoke', '--all')).code).toBe(0);
      const kept = await run('restore', file, '--keep-revocations');
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stdout).toMatch(/^restored 0 sessions into /);
      for (const p of people) expect((await whoIs(store, p.cookie)).userId).toBeNull();
    });
  });
}
