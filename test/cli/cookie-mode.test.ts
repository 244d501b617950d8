import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CookieStore, cookieStore } from '../../src/stores/cookie/index.js';
import { type OpenedStore, storeFromUrl } from '../../src/stores/from-url.js';
import { dropSchema, TEST_PG_URL, testPool, uniqueSchema } from '../helpers/postgres.js';
import { buildCli, type Cli, logIn, managerFor, SECRETS_ENV, whoIs } from './harness.js';
import { dropRedisPrefix } from './redis-prefix.js';
import type { CliTarget } from './scenarios.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Logs a cookie out through the core, as the app's logout route does. */
async function logOut(store: CookieStore, cookie: string): Promise<void> {
  const session = await managerFor(store).load({
    method: 'POST',
    url: '/logout',
    headers: { host: 'localhost', cookie },
    secure: false,
  });
  await session.destroy();
  await session.commit();
}

const targets: [string, () => Promise<CliTarget>][] = [
  [
    'sqlite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'custos-cli-cookie-'));
      return { url: `sqlite:${join(dir, 'revocation.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'redis',
    async () => {
      const prefix = `custos-cli-cookie:${randomBytes(6).toString('hex')}:`;
      return { url: `${REDIS_URL}?prefix=${prefix}`, cleanup: () => dropRedisPrefix(prefix) };
    },
  ],
  [
    'postgres',
    async () => {
      const schema = uniqueSchema('clicookie');
      return {
        url: `${TEST_PG_URL}?schema=${schema}`,
        cleanup: async () => {
          const pool = testPool({ max: 1 });
          await dropSchema(pool, schema);
          await pool.end();
        },
      };
    },
  ],
];

describe.each(targets)('custos CLI in sealed-cookie mode, revocations in %s', (_label, makeTarget) => {
  let cli: Cli;
  let target: CliTarget;
  let opened: OpenedStore;
  let store: CookieStore;
  let users = 0;
  const user = () => `cookie-user-${++users}-${Math.random().toString(36).slice(2, 8)}`;
  /** `cookie:<url>` as the demo's CUSTOS_STORE spells it, or the revocation store's own URL. */
  const run = (explicit: boolean, ...args: string[]) =>
    cli.run(['--store', explicit ? `cookie:${target.url}` : target.url, ...args], SECRETS_ENV);

  beforeAll(async () => {
    [cli, target] = await Promise.all([buildCli(), makeTarget()]);
    opened = await storeFromUrl(target.url);
    store = cookieStore({ revocation: opened.store });
  });
  afterAll(async () => {
    await opened?.close();
    await target?.cleanup();
    await cli?.cleanup();
  });

  it("revoke --user signs out that user's sealed sessions only; a logged-out cookie stays out", async () => {
    const alice = user();
    const [a1, a2, bob] = [await logIn(store, alice), await logIn(store, alice), await logIn(store, user())];
    await logOut(store, a2.cookie);
    expect((await whoIs(store, a1.cookie)).userId).toBe(alice);
    expect((await whoIs(store, a2.cookie)).userId).toBeNull();
    const r = await run(false, 'sessions', 'revoke', '--user', alice);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`revoked every sealed-cookie session of user ${alice}`);
    expect((await whoIs(store, a1.cookie)).userId).toBeNull();
    expect((await whoIs(store, a2.cookie)).userId).toBeNull();
    expect((await whoIs(store, bob.cookie)).userId).toBe(bob.userId);
    const again = await logIn(store, alice);
    expect((await whoIs(store, again.cookie)).userId).toBe(alice);
  });

  it('revoke --all signs every sealed session out and un-revokes nothing; later logins work', async () => {
    const a = await logIn(store, user());
    const b = await logIn(store, user());
    await logOut(store, b.cookie);
    const r = await run(true, 'sessions', 'revoke', '--all');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^revoked every session: sealed cookies issued before/);
    expect((await whoIs(store, a.cookie)).userId).toBeNull();
    expect((await whoIs(store, b.cookie)).userId).toBeNull();
    const c = await logIn(store, user());
    expect((await whoIs(store, c.cookie)).userId).toBe(c.userId);
    // The per-user and per-session records written before are still there (no epoch bump).
    const revokedUser = user();
    const d = await logIn(store, revokedUser);
    expect((await run(false, 'sessions', 'revoke', '--user', revokedUser)).code).toBe(0);
    expect((await run(false, 'sessions', 'revoke', '--all')).code).toBe(0);
    const e = await logIn(store, user());
    expect((await whoIs(store, e.cookie)).userId).toBe(e.userId);
    expect((await whoIs(store, d.cookie)).userId).toBeNull();
  });

  it('revoke <handle> ends that one sealed session', async () => {
    const id = user();
    const [a, b] = [await logIn(store, id), await logIn(store, id)];
    const r = await run(false, 'sessions', 'revoke', '--', a.handle);
    expect(r.code, r.stderr).toBe(0);
    expect((await whoIs(store, a.cookie)).userId).toBeNull();
    expect((await whoIs(store, b.cookie)).userId).toBe(id);
    expect((await run(false, 'sessions', 'revoke', 'not-a-handle')).code).not.toBe(0);
  });

  it("the store's own epoch bump signs everyone out instead of bringing logged-out cookies back", async () => {
    const live = await logIn(store, user());
    const out = await logIn(store, user());
    await logOut(store, out.cookie);
    await opened.store.revokeAll(); // what an older CLI's `revoke --all` did to this store
    expect((await whoIs(store, out.cookie)).userId).toBeNull();
    expect((await whoIs(store, live.cookie)).userId).toBeNull();
    // The checks above re-created `nb-all` ("not before" = that millisecond, inclusive): a login
    // in the same millisecond would be refused too, as fail-closed intends. Log in after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const after = await logIn(store, user());
    expect((await whoIs(store, after.cookie)).userId).toBe(after.userId);
  });

  it('sessions list shows no revocation record as a session, and says why nothing is listed', async () => {
    const a = await logIn(store, user());
    await logOut(store, a.cookie);
    await run(false, 'sessions', 'revoke', '--user', a.userId);
    for (const explicit of [false, true]) {
      const r = await run(explicit, 'sessions', 'list', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
      expect(r.stderr).toMatch(/sealed-cookie revocations/);
      const table = await run(explicit, 'sessions', 'list');
      expect(table.stdout).not.toMatch(/^(nb|dl)-/m);
      expect(table.stdout).toMatch(/^0 sessions/m);
    }
  });

  it('a bare cookie: is refused with the URL to give', async () => {
    const r = await cli.run(['--store', 'cookie:', 'sessions', 'list'], SECRETS_ENV);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cookie:sqlite:/);
  });
});
