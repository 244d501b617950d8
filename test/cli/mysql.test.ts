import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFromUrl } from '../../src/stores/from-url.js';
import { makeRecord } from '../../src/testing/records.js';
import { dropTables, TEST_MYSQL_URL, testPool, uniqueTable } from '../helpers/mysql.js';
import { buildCli, type Cli, type LoggedIn, logIn, whoIs } from './harness.js';
import { cliScenarios } from './scenarios.js';

cliScenarios('mysql', async () => {
  const table = uniqueTable('cli');
  return {
    url: `${TEST_MYSQL_URL}?table=${table}`,
    cleanup: async () => {
      const pool = testPool({ connectionLimit: 1 });
      await dropTables(pool, table);
      await pool.end();
    },
  };
});

describe('mysql:// store URLs', () => {
  let cli: Cli;
  let dir: string;
  const tables = [uniqueTable('url'), uniqueTable('mig')];

  beforeAll(async () => {
    [cli, dir] = await Promise.all([buildCli(), mkdtemp(join(tmpdir(), 'custos-cli-mysql-'))]);
  });
  afterAll(async () => {
    await cli?.cleanup();
    await rm(dir, { recursive: true, force: true });
    const pool = testPool({ connectionLimit: 1 });
    for (const table of tables) await dropTables(pool, table);
    await pool.end();
  });

  it('opens mysql:// and mariadb:// with the table from the query string, migrates it and reads the server clock', async () => {
    const opened = await storeFromUrl(`${TEST_MYSQL_URL}?table=${tables[0]}`);
    const again = await storeFromUrl(`${TEST_MYSQL_URL.replace(/^mysql:/, 'mariadb:')}?table=${tables[0]}`);
    try {
      expect(opened.store.kind).toBe('mysql');
      expect(opened.description).toMatch(new RegExp(`^mysql 127\\.0\\.0\\.1:3306/test \\(table ${tables[0]}\\)$`));
      const record = makeRecord();
      expect(await opened.store.create(record)).toBe(true);
      expect(await again.store.get(record.id)).toEqual(record);
      expect(Math.abs((await opened.serverTime!()) - Date.now())).toBeLessThan(60_000);
    } finally {
      await opened.close();
      await again.close();
    }
  });

  it('says INVALID_OPTION for a URL without a database or with a bad table name, STORE_UNAVAILABLE without the password when down', async () => {
    for (const url of ['mysql://root@127.0.0.1:3306', `${TEST_MYSQL_URL}?table=Bad-Name`]) {
      await expect(storeFromUrl(url), url).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    const down = (await storeFromUrl('mysql://u:pw-secret@127.0.0.1:1/test', { connectTimeout: 2_000 }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(down).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(down.message).toMatch(/^cannot reach mysql 127\.0\.0\.1:1\/test/);
    expect(down.message).not.toContain('pw-secret');
  });

  it('the CLI exits 2 with one line naming an unreachable mysql:// store, no password', async () => {
    const r = await cli.run(['sessions', 'list', '--store', 'mysql://root:hunter2-password@127.0.0.1:1/test']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^custos: cannot reach mysql 127\.0\.0\.1:1\/test/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('custos migrate SQLite → MySQL → SQLite: every live session works with the same cookie', async () => {
    const sqliteUrl = `sqlite:${join(dir, 'from.db')}`;
    const backUrl = `sqlite:${join(dir, 'back.db')}`;
    const mysqlUrl = `${TEST_MYSQL_URL}?table=${tables[1]}`;
    const sqlite = await storeFromUrl(sqliteUrl);
    const people: LoggedIn[] = [];
    for (const name of ['alice', 'bob', 'alice']) people.push(await logIn(sqlite.store, name));
    const expired = await logIn(sqlite.store, 'dave', () => Date.now() - 2 * 3_600_000);
    await sqlite.close();

    const toMysql = await cli.run(['migrate', '--from', sqliteUrl, '--to', mysqlUrl]);
    expect(toMysql.code, toMysql.stderr).toBe(0);
    expect(toMysql.stdout).toMatch(
      /^migrated 3 sessions from sqlite .* to mysql .*; verified 3\/3 in the target; skipped 1 expired\n$/,
    );
    const mysql = await storeFromUrl(mysqlUrl);
    try {
      for (const p of people)
        expect(await whoIs(mysql.store, p.cookie)).toEqual({ userId: p.userId, cart: p.secretData });
      expect(await mysql.store.get(expired.handle)).toBeNull();
    } finally {
      await mysql.close();
    }

    const back = await cli.run(['migrate', '--from', mysqlUrl, '--to', backUrl]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('verified 3/3');
  });
});
