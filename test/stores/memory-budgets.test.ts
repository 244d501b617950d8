import { describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent, type SessionManager } from '../../src/index.js';
import { type MemoryStore, memoryStore } from '../../src/stores/memory/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { manualClock, SECRET_A } from '../helpers/clock.js';
import { finish, loginAs, req } from '../helpers/requests.js';

type Cart = { cart: string[] };

/** One anonymous visitor from `ip` who puts something in a cart: a stored session, no credentials. */
async function anonymousVisit(manager: SessionManager<Cart>, ip: string): Promise<string> {
  const session = await manager.load(req(undefined, { remoteAddress: ip }));
  session.set('cart', ['book']);
  const { cookie } = await finish(session);
  if (!cookie) throw new Error('no cookie issued');
  return cookie;
}

function setup(store: MemoryStore) {
  const events: SessionEvent[] = [];
  const manager = createSessions<Cart>({
    secrets: [SECRET_A],
    store,
    clock: manualClock(),
    onEvent: (e) => events.push(e),
  });
  return { manager, events };
}

describe('memory store budgets: anonymous sessions never evict a signed-in user', () => {
  it('a flood of anonymous sessions past the budget leaves alice signed in, and every eviction is reported', async () => {
    const { manager, events } = setup(memoryStore({ maxSessions: 100, maxAnonymousSessions: 100 }));
    const alice = await loginAs(manager, 'alice');
    for (let i = 0; i < 300; i++) await anonymousVisit(manager, '198.51.100.66');
    expect((await manager.load(req(alice))).userId).toBe('alice');
    const evicted = events.filter((e) => e.type === 'evicted');
    // 300 anonymous sessions in a budget of 100: 200 went, each one reported, none of them alice's.
    expect(evicted).toHaveLength(200);
    expect(evicted.every((e) => e.userId === null && e.reason === 'anonymous-budget')).toBe(true);
    expect(evicted.every((e) => typeof e.sidHash === 'string' && e.sidHash.length > 0)).toBe(true);
    expect(hasWarned('memory-store-anonymous-budget')).toBe(true);
    expect(await manager.store.count?.()).toBe(101);
  });

  it('the default store of createSessions keeps alice through 100,001 anonymous records', async () => {
    const events: SessionEvent[] = [];
    const manager = createSessions({ secrets: [SECRET_A], onEvent: (e) => events.push(e) });
    const alice = await loginAs(manager, 'alice');
    const store = manager.store;
    const base = makeRecord({ userId: null, authenticatedAt: null });
    for (let i = 0; i <= 100_000; i++) await store.create({ ...base, id: `anonymous-${i}` });
    expect((await manager.load(req(alice))).userId).toBe('alice');
    expect(events.filter((e) => e.type === 'evicted').map((e) => e.reason)).toEqual(['anonymous-budget']);
    await manager.close();
  });

  it('a flooding client displaces its own anonymous sessions, not another visitor’s', async () => {
    const { manager, events } = setup(memoryStore({ maxAnonymousSessions: 50 }));
    const visitor = await anonymousVisit(manager, '192.0.2.10');
    const visitorHandle = (await manager.load(req(visitor, { remoteAddress: '192.0.2.10' }))).handle;
    for (let i = 0; i < 200; i++) await anonymousVisit(manager, '198.51.100.66');
    const again = await manager.load(req(visitor, { remoteAddress: '192.0.2.10' }));
    expect(again.handle).toBe(visitorHandle);
    expect(again.get('cart')).toEqual(['book']);
    const visitorHash = manager.sidHash(visitorHandle as string);
    expect(events.some((e) => e.type === 'evicted' && e.sidHash === visitorHash)).toBe(false);
    expect(events.filter((e) => e.type === 'evicted')).toHaveLength(151);
  });

  it('a full signed-in budget evicts the least recently used signed-in session with an event, never silently', async () => {
    const { manager, events } = setup(memoryStore({ maxSessions: 2 }));
    const alice = await loginAs(manager, 'alice');
    const bob = await loginAs(manager, 'bob');
    await manager.load(req(alice)); // alice is now the most recently used
    await loginAs(manager, 'carol');
    expect((await manager.load(req(alice))).userId).toBe('alice');
    expect((await manager.load(req(bob))).userId).toBeNull();
    expect(events.filter((e) => e.type === 'evicted')).toMatchObject([
      { type: 'evicted', userId: 'bob', reason: 'authenticated-budget' },
    ]);
    expect(hasWarned('memory-store-authenticated-budget')).toBe(true);
  });

  it('making room by dropping records revokeAll already ended reports nobody as evicted', async () => {
    const store = memoryStore({ maxAnonymousSessions: 3 });
    const events: string[] = [];
    store.listen((e) => events.push(`${e.type}:${e.reason}`));
    const anonymous = () => makeRecord({ userId: null, authenticatedAt: null });
    for (let i = 0; i < 3; i++) await store.create(anonymous());
    await store.revokeAll();
    for (let i = 0; i < 3; i++) await store.create(anonymous());
    expect(events).toEqual([]);
    await store.create(anonymous());
    expect(events).toEqual(['evicted:anonymous-budget']);
    expect(await store.count()).toBe(3);
    await store.close();
  });

  it('refuses a budget that is not a whole number of at least 1', () => {
    expect(() => memoryStore({ maxAnonymousSessions: 0 })).toThrow(/maxAnonymousSessions/);
    expect(() => memoryStore({ maxSessions: 1.5 })).toThrow(/maxSessions/);
  });
});
