import { describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent } from '../../src/index.js';
import type { SessionStore, StoredSession } from '../../src/stores/contract.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { manualClock, SECRET_A } from '../helpers/clock.js';
import { loginAs, req } from '../helpers/requests.js';

/**
 * A memory store whose listed records count every read of their sealed fields: the per-user
 * cap decides from record metadata (deadlines, last use), so a login near the cap must not
 * open the user's other sessions, one AES-GCM open per field each.
 */
function countingStore(): { store: SessionStore; fieldReads: () => number } {
  const inner = memoryStore();
  let reads = 0;
  const watched = (record: StoredSession): StoredSession =>
    new Proxy(record, {
      get(target, key, receiver) {
        if (key === 'fields') reads++;
        return Reflect.get(target, key, receiver);
      },
    });
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'listByUser') {
        return async (userId: string) => (await target.listByUser(userId)).map(watched);
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, fieldReads: () => reads };
}

describe('per-user session cap', () => {
  it('signs out the least recently used session without opening any listed session', async () => {
    const clock = manualClock();
    const events: SessionEvent[] = [];
    const { store, fieldReads } = countingStore();
    const manager = createSessions<{ seen: boolean }>({
      secrets: [SECRET_A],
      clock,
      store,
      maxSessionsPerUser: 3,
      onEvent: (e) => events.push(e),
    });
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) {
      cookies.push(await loginAs(manager, 'alice'));
      clock.advance(1000);
    }
    // The first session is used again, so the second is now the least recently used.
    clock.advance(10 * 60_000);
    const first = await manager.load(req(cookies[0]));
    first.set('seen', true);
    await first.commit();
    const newest = await loginAs(manager, 'alice');

    expect(fieldReads()).toBe(0);
    expect((await manager.load(req(cookies[1]))).userId).toBeNull();
    for (const kept of [cookies[0], cookies[2], newest]) {
      expect((await manager.load(req(kept))).userId).toBe('alice');
    }
    const signedOut = events.filter((e) => e.type === 'revoked' && e.reason === 'max-sessions');
    expect(signedOut).toHaveLength(1);
    // The device list still opens them: that is where device and address are shown.
    expect(await manager.listSessions('alice')).toHaveLength(3);
    expect(fieldReads()).toBeGreaterThan(0);
    await manager.close();
  });
});
