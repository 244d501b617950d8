import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFromUrl } from '../../src/stores/from-url.js';
import { dropSchema, TEST_PG_URL, testPool, uniqueSchema } from '../helpers/postgres.js';
import { buildCli, type Cli, type LoggedIn, logIn, whoIs } from './harness.js';
import { dropRedisPrefix } from './redis-prefix.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('custos migrate', () => {
  let cli: Cli;
  let dir: string;
  const prefix = `custos-cli-migrate:${randomBytes(6).toString('hex')}:`;
  const schema = uniqueSchema('climig');
  const redisUrl = `${REDIS_URL}?prefix=${prefix}`;
  const pgUrl = `${TEST_PG_URL}?schema=${schema}`;
  let sqliteUrl: string;

  beforeAll(async () => {
    [cli, dir] = await Promise.all([buildCli(), mkdtemp(join(tmpdir(), 'custos-cli-migrate-'))]);
    sqliteUrl = `sqlite:${join(dir, 'sessions.db')}`;
  });
  afterAll(async () => {
    await cli?.cleanup();
    await rm(dir, { recursive: true, force: true });
    await dropRedisPrefix(prefix);
    const pool = testPool({ max: 1 });
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('SQLite → Redis → PostgreSQL: every live session works with the same cookie, expired ones are skipped', async () => {
    const sqlite = await storeFromUrl(sqliteUrl);
    const people: LoggedIn[] = [];
    for (const name of ['alice', 'bob', 'carol', 'alice']) people.push(await logIn(sqlite.store, name));
    const expired = await logIn(sqlite.store, 'dave', () => Date.now() - 2 * 3_600_000);
    await sqlite.close();

    const toRedis = await cli.run(['migrate', '--from', sqliteUrl, '--to', redisUrl]);
    expect(toRedis.code, toRedis.stderr).toBe(0);
    expect(toRedis.stdout).toMatch(
      /^migrated 4 sessions from sqlite .* to redis .*; verified 4\/4 in the target; skipped 1 expired\n$/,
    );

    const redis = await storeFromUrl(redisUrl);
    try {
      for (const p of people)
        expect(await whoIs(redis.store, p.cookie)).toEqual({ userId: p.userId, cart: p.secretData });
      expect(await redis.store.get(expired.handle)).toBeNull();
    } finally {
      await redis.close();
    }

    const toPg = await cli.run(['migrate', '--from', redisUrl, '--to', pgUrl]);
    expect(toPg.code, toPg.stderr).toBe(0);
    expect(toPg.stdout).toContain('verified 4/4');
    const pg = await storeFromUrl(pgUrl);
    try {
      for (const p of people) expect(await whoIs(pg.store, p.cookie)).toEqual({ userId: p.userId, cart: p.secretData });
    } finally {
      await pg.close();
    }
  });

  it('refuses bad usage with exit 1 and an unreachable target with exit 2, copying nothing', async () => {
    const missing = await cli.run(['migrate', '--from', sqliteUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^custos: required option '--to <url>' not specified\n$/);
    const same = await cli.run(['migrate', '--from', sqliteUrl, '--to', sqliteUrl]);
    expect(same.code).toBe(1);
    const down = await cli.run(['migrate', '--from', sqliteUrl, '--to', 'redis://127.0.0.1:1?prefix=nowhere:']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^custos: cannot reach redis 127\.0\.0\.1:1/);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
  });
});
