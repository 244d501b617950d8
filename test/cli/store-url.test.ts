import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progress } from '../../src/cli/progress.js';
import { redactUrl, storeFromUrl } from '../../src/stores/from-url.js';
import { makeRecord } from '../../src/testing/records.js';
import { dropSchema, TEST_PG_URL, testPool, uniqueSchema } from '../helpers/postgres.js';
import { dropRedisPrefix } from './redis-prefix.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('storeFromUrl', () => {
  let dir: string;
  const prefix = `custos-url-test:${randomBytes(6).toString('hex')}:`;
  const schema = uniqueSchema('url');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-url-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropRedisPrefix(prefix);
    const pool = testPool({ max: 1 });
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('opens memory: and sqlite: (relative or sqlite:///absolute), creating the file unless told not to', async () => {
    const memory = await storeFromUrl('memory:');
    expect(memory.store.kind).toBe('memory');
    await memory.close();
    const file = join(dir, 'a.db');
    await expect(storeFromUrl(`sqlite:${file}`, { create: false })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect(existsSync(file)).toBe(false);
    const created = await storeFromUrl(`sqlite://${file}`);
    expect(created.store.kind).toBe('sqlite');
    expect(created.description).toBe(`sqlite ${file}`);
    await created.store.create(makeRecord());
    await created.close();
    const reopened = await storeFromUrl(`sqlite:${file}`, { create: false });
    expect(await reopened.store.count?.()).toBe(1);
    await reopened.close();
    await expect(storeFromUrl('sqlite:')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(storeFromUrl(`sqlite:${join(dir, 'no', 'dir.db')}`)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('opens redis:// with the prefix taken from the query string and reads the server clock', async () => {
    const opened = await storeFromUrl(`${REDIS_URL}?prefix=${prefix}`);
    try {
      expect(opened.store.kind).toBe('redis');
      expect(opened.description).toContain(`prefix ${prefix}`);
      const record = makeRecord();
      await opened.store.create(record);
      expect((await opened.store.get(record.id))?.verifier).toBe(record.verifier);
      expect(Math.abs((await opened.serverTime!()) - Date.now())).toBeLessThan(60_000);
    } finally {
      await opened.close();
    }
  });

  it('opens postgres:// with schema, migrates it and reads the server clock', async () => {
    const opened = await storeFromUrl(`${TEST_PG_URL}?schema=${schema}`);
    try {
      expect(opened.store.kind).toBe('postgres');
      expect(opened.description).toContain(`schema ${schema}`);
      const record = makeRecord();
      expect(await opened.store.create(record)).toBe(true);
      expect(Math.abs((await opened.serverTime!()) - Date.now())).toBeLessThan(60_000);
    } finally {
      await opened.close();
    }
  });

  it('says STORE_UNAVAILABLE for backends that do not answer, without the password', async () => {
    for (const url of [
      'redis://:pw-secret@127.0.0.1:1',
      'redis-cluster://127.0.0.1:1,127.0.0.1:2',
      'postgres://u:pw-secret@127.0.0.1:1/test',
    ]) {
      const error = (await storeFromUrl(url, { connectTimeout: 2_000 }).catch((e: unknown) => e)) as Error;
      expect(error, url).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(error.message).not.toContain('pw-secret');
    }
  });

  it('says INVALID_OPTION for URLs it cannot use', async () => {
    for (const url of ['ftp://x', '', 'redis-cluster://', 'redis-cluster://host:port', 'cookie:']) {
      await expect(storeFromUrl(url), url).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
  });

  it('redacts passwords from URLs', () => {
    expect(redactUrl('postgres://user:hunter2@db:5432/x')).toBe('postgres://user:***@db:5432/x');
    expect(redactUrl('redis://:hunter2@cache:6379')).toBe('redis://:***@cache:6379');
    expect(redactUrl('sqlite:a.db')).toBe('sqlite:a.db');
  });
});

describe('progress', () => {
  const fakeStream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
  };

  it('draws a bar with the total on a terminal', () => {
    const { writes, stream } = fakeStream(true);
    const bar = progress('purging', 10, stream);
    bar.update(5);
    bar.finish();
    expect(writes.join('')).toContain(`purging [${'#'.repeat(15)}${'.'.repeat(15)}] 5/10`);
    expect(writes.at(-1)).toBe('\n');
  });

  it('stays silent when stderr is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const bar = progress('purging', 10, stream);
    bar.update(5);
    bar.finish();
    expect(writes).toEqual([]);
  });
});
