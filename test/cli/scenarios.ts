import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/stores/contract.js';
import { type OpenedStore, storeFromUrl } from '../../src/stores/from-url.js';
import { buildCli, type Cli, type LoggedIn, logIn, SECRETS_ENV, snapshot, whoIs } from './harness.js';

export interface CliTarget {
  /** Store URL handed to the binary (and opened in the test process too). */
  url: string;
  cleanup(): Promise<void>;
}

/** Every command against one real store, through the built binary. */
export function cliScenarios(label: string, makeTarget: () => Promise<CliTarget>): void {
  describe(`custos CLI against ${label}`, () => {
    let cli: Cli;
    let target: CliTarget;
    let opened: OpenedStore;
    let store: SessionStore;
    let dir: string;
    let users = 0;
    const user = () => `${label}-user-${++users}-${Math.random().toString(36).slice(2, 8)}`;
    const run = (...args: string[]) => cli.run(['--store', target.url, ...args], SECRETS_ENV);

    beforeAll(async () => {
      [cli, target, dir] = await Promise.all([buildCli(), makeTarget(), mkdtemp(join(tmpdir(), 'custos-cli-'))]);
      opened = await storeFromUrl(target.url);
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
      await target?.cleanup();
      await cli?.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('sessions list shows handle, user and unsealed device, never a token or session data', async () => {
      const a = await logIn(store, user());
      const r = await run('sessions', 'list');
      expect(r.code).toBe(0);
      const row = r.stdout.split('\n').find((line) => line.startsWith(a.handle));
      expect(row).toContain(a.userId);
      expect(row).toContain(a.device.slice(0, 30));
      const tokenSecret = a.cookie.split('=')[1]!;
      expect(r.stdout + r.stderr).not.toContain(tokenSecret);
      expect(r.stdout + r.stderr).not.toContain(a.secretData);
      const sealed = await cli.run(['--store', target.url, 'sessions', 'list']);
      expect(sealed.stdout.split('\n').find((line) => line.startsWith(a.handle))).toContain('(sealed)');
    });

    it('sessions list --user pages with --limit and --cursor: every session once, a bad cursor is a usage error', async () => {
      const id = user();
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) mine.push((await logIn(store, id)).handle);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const r = await run(
          'sessions',
          'list',
          '--user',
          id,
          '--json',
          '--limit',
          '2',
          ...(cursor ? ['--cursor', cursor] : []),
        );
        expect(r.code).toBe(0);
        const rows = JSON.parse(r.stdout) as { handle: string }[];
        expect(rows.length).toBeLessThanOrEqual(2);
        seen.push(...rows.map((x) => x.handle));
        cursor = /--cursor (\S+)/.exec(r.stderr)?.[1];
        if (cursor === undefined) break;
      }
      expect(cursor).toBeUndefined();
      expect([...seen].sort()).toEqual([...mine].sort());
      const bad = await run('sessions', 'list', '--user', id, '--cursor', 'not-a-cursor');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/cursor/);
      expect(bad.stderr).not.toMatch(/STORE_UNAVAILABLE|unavailable/i);
    });

    it('sessions list --user --json lists exactly that user', async () => {
      const id = user();
      const [a, b] = [await logIn(store, id), await logIn(store, id)];
      await logIn(store, user());
      const r = await run('sessions', 'list', '--user', id, '--json');
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout) as { handle: string; userId: string; device: string; expiresAt: string }[];
      expect(rows.map((x) => x.handle).sort()).toEqual([a.handle, b.handle].sort());
      expect(rows.every((x) => x.userId === id)).toBe(true);
      expect(rows.map((x) => x.device).sort()).toEqual([a.device, b.device].sort());
      expect(Object.keys(rows[0]!).sort()).toEqual([
        'createdAt',
        'device',
        'expiresAt',
        'handle',
        'lastSeenAt',
        'userId',
      ]);
    });

    it('stats and purge: expired sessions are counted, then deleted in batches; live ones stay', async () => {
      const live = await logIn(store, user());
      const twoHoursAgo = () => Date.now() - 2 * 3_600_000;
      const dead = await Promise.all([1, 2, 3].map(() => logIn(store, user(), twoHoursAgo)));
      const before = JSON.parse((await run('stats', '--json', '--top', '1000')).stdout);
      expect(before.expiredAwaitingPurge).toBeGreaterThanOrEqual(3);
      expect(before.topUsers).toContainEqual({ userId: live.userId, sessions: 1 });
      const r = await run('purge', '--batch-size', '2');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^purged \d+ expired sessions in \d+ batches of up to 2\n$/);
      expect(Number(/purged (\d+)/.exec(r.stdout)![1])).toBeGreaterThanOrEqual(3);
      for (const d of dead) expect(await store.get(d.handle)).toBeNull();
      expect((await whoIs(store, live.cookie)).userId).toBe(live.userId);
      const after = JSON.parse((await run('stats', '--json')).stdout);
      expect(after.expiredAwaitingPurge).toBe(0);
      const text = await run('stats');
      expect(text.stdout).toMatch(/active sessions: +\d+/);
    });

    it('sessions revoke <handle> and --user end exactly those sessions', async () => {
      const [a, b] = [await logIn(store, user()), await logIn(store, user())];
      const id = user();
      const [c1, c2] = [await logIn(store, id), await logIn(store, id)];
      const one = await run('sessions', 'revoke', a.handle);
      expect(one.code, one.stderr).toBe(0);
      expect((await whoIs(store, a.cookie)).userId).toBeNull();
      expect((await whoIs(store, b.cookie)).userId).toBe(b.userId);
      const again = await run('sessions', 'revoke', a.handle);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^custos: no live session with handle/);
      const byUser = await run('sessions', 'revoke', '--user', id);
      expect(byUser.stdout).toContain('revoked 2 sessions');
      expect((await whoIs(store, c1.cookie)).userId).toBeNull();
      expect((await whoIs(store, c2.cookie)).userId).toBeNull();
      expect((await whoIs(store, b.cookie)).userId).toBe(b.userId);
    });

    it('a handle that starts with "-" (1 in 64) is revoked like any other, with or without "--"', async () => {
      const dashed = async () => {
        for (let attempt = 0; attempt < 2000; attempt++) {
          const session = await logIn(store, user());
          if (session.handle.startsWith('-')) return session;
          await store.destroy(session.handle);
        }
        throw new Error('2000 logins without a handle starting with "-"');
      };
      const [plain, afterDashes, bystander] = [await dashed(), await dashed(), await logIn(store, user())];
      const one = await run('sessions', 'revoke', plain.handle);
      expect(one.stderr).toBe('');
      expect(one.stdout).toBe(`revoked session ${plain.handle} of user ${plain.userId}\n`);
      expect((await run('sessions', 'revoke', '--', afterDashes.handle)).code).toBe(0);
      expect((await whoIs(store, plain.cookie)).userId).toBeNull();
      expect((await whoIs(store, afterDashes.cookie)).userId).toBeNull();
      expect((await whoIs(store, bystander.cookie)).userId).toBe(bystander.userId);
      const again = await run('sessions', 'revoke', plain.handle);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(`custos: no live session with handle ${plain.handle}, and no option has that name\n`);
    });

    it('backup, wipe (revoke --all), restore: the same cookies work again', async () => {
      const people: LoggedIn[] = [];
      for (let i = 0; i < 3; i++) people.push(await logIn(store, user()));
      const file = join(dir, 'sessions.backup');
      const backup = await run('backup', file);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(/^backed up \d+ sessions? from/);
      const raw = await readFile(file, 'utf8');
      for (const p of people) {
        expect(raw).toContain(p.handle);
        expect(raw).not.toContain(p.secretData);
        expect(raw).not.toContain(p.cookie.split('=')[1]!);
      }
      expect((await run('sessions', 'revoke', '--all')).code).toBe(0);
      for (const p of people) expect((await whoIs(store, p.cookie)).userId).toBeNull();
      const restore = await run('restore', file);
      expect(restore.code).toBe(0);
      expect(restore.stdout).toMatch(/^restored \d+ sessions? into/);
      for (const p of people) expect(await whoIs(store, p.cookie)).toEqual({ userId: p.userId, cart: p.secretData });
      expect((await run('backup', file)).code).toBe(1);
      expect((await run('backup', file, '--force')).code).toBe(0);
    });

    it('a restore from a truncated, edited or foreign file changes nothing and says why', async () => {
      await logIn(store, user());
      const good = join(dir, 'good.backup');
      expect((await run('backup', good, '--force')).code).toBe(0);
      const text = await readFile(good, 'utf8');
      const later = await logIn(store, user());
      await run('sessions', 'revoke', '--all');
      const before = await snapshot(store);
      const cases: [string, string, RegExp][] = [
        ['truncated', text.slice(0, Math.floor(text.length * 0.6)), /truncated/],
        ['edited', text.replace(/"userId":"[^"]+"/, '"userId":"mallory"'), /checksum/],
        ['foreign', 'PGDMP\u0000\u0001binary dump', /not a custos backup/],
      ];
      for (const [name, content, why] of cases) {
        const bad = join(dir, `${name}.backup`);
        await writeFile(bad, content);
        const r = await run('restore', bad);
        expect(r.code, name).toBe(1);
        expect(r.stderr, name).toMatch(/^custos: restore refused, nothing was changed: /);
        expect(r.stderr, name).toMatch(why);
        expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
        expect(await snapshot(store), name).toEqual(before);
      }
      expect((await whoIs(store, later.cookie)).userId).toBeNull();
    });

    it('doctor reports the store reachable and the secrets long enough', async () => {
      const r = await cli.run(['--store', target.url, 'doctor', '--origin', 'https://bank.example'], SECRETS_ENV);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toMatch(/^ok +store/m);
      expect(r.stdout).toMatch(/^ok +secrets/m);
      expect(r.stdout).toMatch(/^ok +origin +https:\/\/bank\.example/m);
    });
  });
}
