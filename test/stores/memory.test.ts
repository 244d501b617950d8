import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore, memoryStore } from '../../src/stores/memory/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';

runStoreConformance('memory', async () => ({ store: memoryStore() }), { describe, it, beforeEach, afterEach });

describe('memory store specifics', () => {
  it('evicts the least recently used record past maxSessions', async () => {
    const store = memoryStore({ maxSessions: 3 });
    const [a, b, c, d] = [makeRecord(), makeRecord(), makeRecord(), makeRecord()];
    await store.create(a);
    await store.create(b);
    await store.create(c);
    await store.get(a.id); // a becomes the most recently used, so b is now the oldest
    await store.create(d);
    expect(await store.get(b.id)).toBeNull();
    expect(await store.get(a.id)).toEqual(a);
    expect(await store.get(c.id)).toEqual(c);
    expect(await store.get(d.id)).toEqual(d);
    expect(await store.count()).toBe(3);
    expect(await store.listByUser(b.userId!)).toEqual([]);
    await store.close();
  });

  it('sweeper timer does not keep the process alive', async () => {
    const store = memoryStore({ sweepInterval: 10 });
    const timer = (store as unknown as { timer: NodeJS.Timeout }).timer;
    expect(typeof timer.hasRef).toBe('function');
    expect(timer.hasRef()).toBe(false);
    await store.close();
  });

  it('sweeper purges expired records on its own', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ sweepInterval: 5, clock: () => now });
    const expiring = makeRecord({ expiresAt: now + 10 });
    const staying = makeRecord({ expiresAt: now + 1_000_000 });
    await store.create(expiring);
    await store.create(staying);
    now += 20;
    for (let i = 0; i < 200 && (await store.count()) > 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await store.count()).toBe(1);
    expect(await store.get(staying.id)).toEqual(staying);
    await store.close();
  });
});
