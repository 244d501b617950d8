import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisStore, redisStore } from '../../src/stores/redis/index.js';
import { WRITE_SCRIPT } from '../../src/stores/redis/scripts.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

/** Generous: the point is "rejects instead of hanging", not a speed claim. */
const HANG_LIMIT_MS = 8_000;

async function settlesWithin<T>(work: Promise<T>, ms = HANG_LIMIT_MS): Promise<{ ok: boolean; error?: Error }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), ms);
  });
  const outcome = await Promise.race([
    work.then(
      () => ({ ok: true }),
      (error: Error) => ({ ok: false, error }),
    ),
    hang,
  ]);
  clearTimeout(timer);
  if (outcome === 'hang') throw new Error('store call hung');
  return outcome;
}

describe('redis store during an outage', () => {
  let server: PrivateRedis;
  let client: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    server = await startPrivateRedis();
    // The client options the store's TSDoc recommends: fail fast instead of queueing.
    client = new Redis(server.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    client.on('error', () => {}); // connection errors surface as rejected commands
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    store = redisStore({ client, prefix: 'outage:' });
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.dispose();
  });

  it('rejects every call promptly while the server is down, then works again after a restart', async () => {
    const before = makeRecord();
    expect(await store.create(before)).toBe(true);
    expect(await store.get(before.id)).toEqual(before);

    await server.stop();
    const calls: Array<() => Promise<unknown>> = [
      () => store.get(before.id),
      () => store.patch(before.id, { set: { cart: makeSealedValue() } }),
      () => store.create(makeRecord()),
      () => store.destroy(before.id),
      () => store.listByUser(before.userId!),
      () => store.destroyByUser(before.userId!),
      () => store.revokeAll(),
      () => store.purgeExpired(Date.now()),
      () => store.importRecords([makeRecord()]),
      () => store.ping(),
    ];
    for (const call of calls) {
      const outcome = await settlesWithin(call());
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toBeInstanceOf(Error);
      expect(outcome.error).not.toHaveProperty('command');
    }

    await server.start();
    // The same store and client recover once ioredis has reconnected; nothing is recreated.
    await waitFor('reconnect', () =>
      store.ping().then(
        () => true,
        () => false,
      ),
    );
    // The restarted server lost its script cache: EVALSHA answers NOSCRIPT, the store falls back
    // to EVAL, which caches the script again.
    expect(await client.script('EXISTS', WRITE_SCRIPT.sha)).toEqual([0]);
    const after = makeRecord({ userId: before.userId });
    expect(await store.create(after)).toBe(true);
    expect(await client.script('EXISTS', WRITE_SCRIPT.sha)).toEqual([1]);
    expect(await store.get(after.id)).toEqual(after);
    expect(await store.patch(after.id, { set: { theme: makeSealedValue() } })).toBe('ok');
    expect((await store.listByUser(before.userId!)).map((r) => r.id)).toEqual([after.id]);
  });

  it('rejects instead of hanging when the server stops answering, and recovers when it resumes', async () => {
    const record = makeRecord();
    await store.create(record);
    server.pause();
    try {
      const outcome = await settlesWithin(store.get(record.id));
      expect(outcome.ok).toBe(false);
      expect(outcome.error?.message).toMatch(/timed out/i);
    } finally {
      server.resume();
    }
    await waitFor('answers again', () =>
      store.ping().then(
        () => true,
        () => false,
      ),
    );
    expect(await store.get(record.id)).toEqual(record);
  });
});
