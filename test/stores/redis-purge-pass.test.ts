import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../src/stores/redis/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { dropKeysUnder, keysUnder } from '../helpers/redis-keys.js';

/**
 * A purge run of many batches walks the keyspace once: each `purgeExpired` call resumes the SCAN
 * where the previous one stopped. Restarting at cursor 0 on every call re-walks everything
 * already deleted, which at a million sessions made single calls outlast the store deadline.
 */
const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `custos-test:${randomBytes(6).toString('hex')}:`;
const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

/** The cursor of every SCAN over this store's session keys, in the order sent. */
function sessionScanCursors(redis: Redis): string[] {
  const cursors: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
    const args = command.args.map(String);
    if (command.name === 'scan' && args.includes(`${prefix}s:{*`)) cursors.push(args[0] as string);
    return (send as (...a: unknown[]) => unknown)(command, ...rest);
  }) as typeof redis.sendCommand;
  return cursors;
}

afterAll(async () => {
  await dropKeysUnder(client, prefix);
  await client.quit();
});

describe('redis purgeExpired over many batches', () => {
  it('resumes the key scan between calls, so a whole run starts the SCAN once and removes every expired record', async () => {
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const expired = Array.from({ length: 1_200 }, (_, i) =>
      makeRecord({ userId: `pass-${i % 300}`, expiresAt: now - 10 }),
    );
    const live = Array.from({ length: 50 }, () => makeRecord({ expiresAt: now + 3_600_000 }));
    await Promise.all([...expired, ...live].map((record) => store.create(record)));
    const cursors = sessionScanCursors(client);

    let removed = 0;
    let calls = 0;
    for (let batch = 100; batch === 100 && calls < 100; calls++) {
      batch = await store.purgeExpired(now, 100);
      removed += batch;
    }

    expect(removed).toBe(expired.length);
    expect(calls).toBeGreaterThanOrEqual(12);
    // One pass: cursor 0 once; every later SCAN continues the cursor Redis returned.
    expect(cursors.filter((cursor) => cursor === '0')).toHaveLength(1);
    const left = await keysUnder(client, `${prefix}s:`);
    expect(left.sort()).toEqual(live.map((record) => `${prefix}s:{${record.id}}`).sort());
  });

  it('starts a new pass after one finished, finding records that expired since', async () => {
    const store = redisStore({ client, prefix: `${prefix}again:` });
    const now = Date.now();
    await store.create(makeRecord({ expiresAt: now - 10 }));
    expect(await store.purgeExpired(now, 100)).toBe(1);
    await store.create(makeRecord({ expiresAt: now - 5 }));
    expect(await store.purgeExpired(now, 100)).toBe(1);
    expect(await store.purgeExpired(now, 100)).toBe(0);
  });
});
