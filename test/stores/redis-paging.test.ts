import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/index.js';
import { redisStore } from '../../src/stores/redis/index.js';
import { makeRecord, makeUserId } from '../../src/testing/records.js';
import { SECRET_A } from '../helpers/clock.js';
import { dropKeysUnder, recordCommands } from '../helpers/redis-keys.js';

const REDIS_URL = process.env.CUSTOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `custos-test:${randomBytes(6).toString('hex')}:paging:`;
const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

afterAll(async () => {
  await dropKeysUnder(admin, prefix);
  await admin.quit();
});

/** A user with `total` sessions, written straight into the store. */
async function userWith(total: number) {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const store = redisStore({ client, prefix: `${prefix}${total}:` });
  const userId = makeUserId();
  const now = Date.now();
  for (let i = 0; i < total; i += 500) {
    const batch = Array.from({ length: Math.min(500, total - i) }, (_, j) =>
      makeRecord({ userId, createdAt: now - (i + j), expiresAt: now + 600_000 - (i + j) }),
    );
    await Promise.all(batch.map((r) => store.create(r)));
  }
  const manager = createSessions({ secrets: [SECRET_A], store });
  return { client, store, manager, userId, sent: recordCommands(client) };
}

describe('paginated device list on Redis (a devices page of a user with many sessions)', () => {
  it('the first page costs the same number of Redis commands for 30 and for 3,000 sessions', async () => {
    const costs: number[] = [];
    for (const total of [30, 3000]) {
      const { client, manager, userId, sent } = await userWith(total);
      sent.length = 0;
      const page = await manager.listSessionsPage(userId, { limit: 10 });
      expect(page.sessions).toHaveLength(10);
      expect(page.next).not.toBeNull();
      costs.push(sent.length);
      // The unpaginated list reads every record: the cost the page avoids.
      sent.length = 0;
      expect(await manager.listSessions(userId)).toHaveLength(total);
      expect(sent.length).toBeGreaterThanOrEqual(total);
      await client.quit();
    }
    expect(costs[1]).toBe(costs[0]);
    expect(costs[0]).toBeLessThan(30);
  });

  it('walking the pages lists every session once, newest first within the index order', async () => {
    const { client, manager, userId } = await userWith(95);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await manager.listSessionsPage(userId, { limit: 20, cursor });
      seen.push(...page.sessions.map((s) => s.handle));
      cursor = page.next;
    } while (cursor !== null);
    expect(seen).toHaveLength(95);
    expect(new Set(seen).size).toBe(95);
    await client.quit();
  });

  it('a cursor that is not one the API returned is INVALID_INPUT (400), not a store outage', async () => {
    const { client, manager, userId, sent } = await userWith(3);
    sent.length = 0;
    for (const cursor of ['nope', '12:abc def', `${'9'.repeat(17)}:a`, '-1:abc']) {
      await expect(manager.listSessionsPage(userId, { cursor })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        status: 400,
      });
    }
    await expect(manager.listSessionsPage(userId, { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(sent).toEqual([]);
    await client.quit();
  });
});
