import { expect } from 'vitest';
import type { SessionStore } from '../../../src/stores/contract.js';
import { type Instance, makeManager, sessionCookieFrom, startInstance } from './app.js';

/**
 * Scenarios shared by the per-store test files. Each takes real stores and drives them through
 * the real core and the Express adapter over HTTP.
 */

async function withInstances<T>(stores: readonly SessionStore[], body: (instances: Instance[]) => Promise<T>) {
  const instances: Instance[] = [];
  try {
    for (const store of stores) instances.push(await startInstance(makeManager(store)));
    return await body(instances);
  } finally {
    for (const instance of instances) await instance.close();
  }
}

/** 100 parallel requests each add a distinct field, then 50 parallel CAS increments: nothing is lost. */
export async function parallelWritesLoseNothing(store: SessionStore): Promise<void> {
  await withInstances([store], async ([app]) => {
    const first = await app!.post('/set/start', undefined, { value: 'yes' });
    const cookie = sessionCookieFrom(first.headers);
    expect(cookie).toBeDefined();

    const writes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => app!.post(`/set/f${i}`, cookie, { value: i })),
    );
    expect(writes.map((r) => r.status)).toEqual(Array(100).fill(200));

    const increments = await Promise.all(Array.from({ length: 50 }, () => app!.post('/inc', cookie)));
    expect(increments.map((r) => r.status)).toEqual(Array(50).fill(200));
    // Every increment saw a different value: none overwrote another's read-modify-write.
    const seen = increments.map((r) => r.body.n as number).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    const read = await app!.get('/me', cookie);
    expect(read.status).toBe(200);
    const data = read.body.data as Record<string, unknown>;
    for (let i = 0; i < 100; i++) expect(data[`f${i}`]).toBe(i);
    expect(data.start).toBe('yes');
    expect(data.n).toBe(50);
  });
}

/**
 * Two app instances, each with its own store object (own client, pool or file handle) over the
 * same backend: every way of ending a session on A is seen by the very next request to B.
 */
export async function revocationIsSharedAtOnce(a: SessionStore, b: SessionStore): Promise<void> {
  await withInstances([a, b], async ([first, second]) => {
    const A = first!;
    const B = second!;
    const user = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

    // A session made on A is honoured on B: the precondition that makes every check below meaningful.
    const alice = user('alice');
    const one = await A.login(alice);
    expect(await B.whoIs(one.cookie)).toBe(alice);

    // manager.revoke(handle) on A.
    expect(await A.manager.revoke(one.handle)).toBe(true);
    expect(await B.whoIs(one.cookie)).toBeNull();

    // revokeUser on A: every session of that user, on any instance, and nobody else's.
    const bob = user('bob');
    const carol = user('carol');
    const bob1 = await A.login(bob);
    const bob2 = await B.login(bob);
    const bob3 = await B.login(bob);
    const carol1 = await B.login(carol);
    expect(await B.whoIs(bob1.cookie)).toBe(bob);
    expect(await A.manager.revokeUser(bob, { except: [bob3.handle] })).toBe(2);
    expect(await B.whoIs(bob1.cookie)).toBeNull();
    expect(await B.whoIs(bob2.cookie)).toBeNull();
    expect(await B.whoIs(bob3.cookie)).toBe(bob);
    expect(await A.manager.revokeUser(bob)).toBe(1);
    expect(await B.whoIs(bob3.cookie)).toBeNull();
    expect(await B.whoIs(carol1.cookie)).toBe(carol);

    // Logout through A's HTTP interface.
    const dave = user('dave');
    const daveSession = await B.login(dave);
    expect(await B.whoIs(daveSession.cookie)).toBe(dave);
    const logout = await A.post('/logout', daveSession.cookie);
    expect(logout.status).toBe(200);
    expect(await B.whoIs(daveSession.cookie)).toBeNull();

    // revokeAll on A: everything that existed is gone on B; sessions made afterwards work.
    const erin = user('erin');
    const erinSession = await B.login(erin);
    expect(await B.whoIs(erinSession.cookie)).toBe(erin);
    await A.manager.revokeAll();
    expect(await B.whoIs(erinSession.cookie)).toBeNull();
    expect(await B.whoIs(carol1.cookie)).toBeNull();
    const after = await B.login(erin);
    expect(await A.whoIs(after.cookie)).toBe(erin);
  });
}
