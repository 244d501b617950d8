import { describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { manualClock, SECRET_A, SECRET_B } from '../helpers/clock.js';
import { parseSetCookie } from '../helpers/cookies.js';
import { finish, loginAs, req } from '../helpers/requests.js';
import { countingStore } from '../helpers/stores.js';

type Data = { n: number; cart: string[]; theme: string; [key: string]: unknown };

function setup(extra: Parameters<typeof createSessions>[0] extends infer O ? Partial<O> : never = {}) {
  const clock = manualClock();
  const counted = countingStore(memoryStore());
  const events: SessionEvent[] = [];
  const manager = createSessions<Data>({
    secrets: [SECRET_A],
    store: counted.store,
    clock,
    idleTimeout: '30m',
    absoluteTimeout: '12h',
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { clock, counted, events, manager };
}

describe('creation', () => {
  it('a first visit costs no store access beyond nothing and sets no cookie', async () => {
    const { manager, counted } = setup();
    const session = await manager.load(req());
    const { headers } = await finish(session);
    expect(headers).toEqual([]);
    expect(counted.writes()).toBe(0);
    expect(session.handle).toBeNull();
  });

  it('the first set creates a __Host- cookie with Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, no Max-Age', async () => {
    const { manager, counted } = setup();
    const session = await manager.load(req());
    session.set('theme', 'dark');
    const { headers, cookie } = await finish(session);
    const setCookie = headers.find(([n]) => n === 'set-cookie')?.[1] ?? '';
    const parsed = parseSetCookie(setCookie);
    expect(parsed.name).toBe('__Host-sid');
    expect([...parsed.attributes.keys()].sort()).toEqual(['httponly', 'path', 'samesite', 'secure']);
    expect(parsed.attributes.get('path')).toBe('/');
    expect(parsed.attributes.get('samesite')).toBe('Lax');
    expect(headers).toContainEqual(['cache-control', 'no-store']);
    expect(counted.calls.create).toBe(1);
    const again = await manager.load(req(cookie));
    expect(again.get('theme')).toBe('dark');
  });

  it('saveUninitialized creates a session on the first visit', async () => {
    const { manager } = setup({ saveUninitialized: true });
    const { cookie } = await finish(await manager.load(req()));
    expect(cookie).toMatch(/^__Host-sid=/);
    expect((await manager.load(req(cookie))).handle).not.toBeNull();
  });

  it('a persistent cookie never outlives the absolute deadline', async () => {
    const { manager, clock } = setup({ cookie: { persistent: true }, idleTimeout: '2h' });
    const cookie = await loginAs(manager, 'alice');
    clock.advance(3_600_000);
    const session = await manager.load(req(cookie));
    await session.regenerate();
    const { headers } = await finish(session);
    const maxAge = Number(
      parseSetCookie(headers.find(([n]) => n === 'set-cookie')?.[1] ?? '').attributes.get('max-age'),
    );
    expect(maxAge).toBe(11 * 3600);
  });
});

describe('tracking and handling', () => {
  it('a read-only request inside the touch window writes nothing; past it, one touch', async () => {
    const { manager, counted, clock } = setup();
    const cookie = await loginAs(manager, 'alice');
    counted.reset();
    for (let i = 0; i < 5; i++) {
      const s = await manager.load(req(cookie));
      expect(s.userId).toBe('alice');
      await finish(s, cookie);
    }
    expect(counted.writes()).toBe(0);
    clock.advance(3 * 60_000 + 1);
    await finish(await manager.load(req(cookie)), cookie);
    expect(counted.calls.patch).toBe(1);
  });

  it('only changed fields are written', async () => {
    const { manager, counted } = setup();
    const first = await manager.load(req());
    first.set('n', 1).set('theme', 'light');
    const { cookie } = await finish(first);
    counted.reset();
    const s = await manager.load(req(cookie));
    s.set('n', 2);
    s.delete('theme');
    s.delete('cart');
    expect(s.has('theme')).toBe(false);
    expect(s.toJSON()).toEqual({ n: 2 });
    await finish(s, cookie);
    expect(counted.calls.patch).toBe(1);
    const again = await manager.load(req(cookie));
    expect(again.toJSON()).toEqual({ n: 2 });
  });

  it('refuses internal or empty keys and unserialisable values', async () => {
    const { manager } = setup();
    const s = await manager.load(req());
    expect(() => s.set('$csrf' as never, 'x' as never)).toThrow(TypeError);
    expect(() => s.set('' as never, 1 as never)).toThrow(TypeError);
    expect(() => s.set('n', undefined as never)).toThrow(TypeError);
  });

  it('100 parallel requests each setting a different field keep all 100', async () => {
    const { manager } = setup();
    const first = await manager.load(req());
    first.set('n', 0);
    const { cookie } = await finish(first);
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const s = await manager.load(req(cookie));
        s.set(`f${i}`, i);
        await finish(s, cookie);
      }),
    );
    const s = await manager.load(req(cookie));
    for (let i = 0; i < 100; i++) expect(s.get(`f${i}`)).toBe(i);
  });

  it('50 parallel update(n => n + 1) end at 50', async () => {
    const { manager } = setup();
    const first = await manager.load(req());
    first.set('n', 0);
    const { cookie } = await finish(first);
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const s = await manager.load(req(cookie));
        await s.update('n', (n) => (n ?? 0) + 1);
        await finish(s, cookie);
      }),
    );
    expect((await manager.load(req(cookie))).get('n')).toBe(50);
  });

  it('an uncontended update costs one store write and no extra read', async () => {
    const { manager, counted } = setup();
    const first = await manager.load(req());
    first.set('n', 1);
    const { cookie } = await finish(first);
    const s = await manager.load(req(cookie));
    counted.reset();
    expect(await s.update('n', (n) => (n ?? 0) + 1)).toBe(2);
    expect(await s.update('n', (n) => (n ?? 0) + 1)).toBe(3);
    expect(counted.calls).toEqual({ patch: 2 });
  });

  it('update on a brand-new session persists it first', async () => {
    const { manager } = setup();
    const s = await manager.load(req());
    expect(await s.update('cart', (c) => [...(c ?? []), 'apple'])).toEqual(['apple']);
    const { cookie } = await finish(s);
    expect((await manager.load(req(cookie))).get('cart')).toEqual(['apple']);
  });
});

describe('login, rotation and logout', () => {
  it('login rotates the id, deletes the old record and keeps only allow-listed data', async () => {
    const { manager, events } = setup();
    const anon = await manager.load(req());
    anon.set('cart', ['book']).set('theme', 'dark');
    const { cookie: before } = await finish(anon);
    const oldHandle = anon.handle;
    const s = await manager.load(req(before));
    await s.login('alice', { keep: ['cart'] });
    const { cookie: after } = await finish(s, before);
    expect(after).not.toBe(before);
    expect(s.handle).not.toBe(oldHandle);
    expect(s.isAuthenticated).toBe(true);
    expect((await manager.load(req(before))).userId).toBeNull();
    expect(await manager.store.get(oldHandle as string)).toBeNull();
    const fresh = await manager.load(req(after));
    expect(fresh.get('cart')).toEqual(['book']);
    expect(fresh.get('theme')).toBeUndefined();
    expect(fresh.authenticatedAt).not.toBeNull();
    expect(events.map((e) => e.type)).toContain('rotated');
  });

  it('a pending (MFA) login is not authenticated', async () => {
    const { manager } = setup();
    const s = await manager.load(req());
    await s.login('alice', { pending: true });
    expect(s.userId).toBe('alice');
    expect(s.isAuthenticated).toBe(false);
    expect(() => s.requireFreshAuth()).toThrow(expect.objectContaining({ code: 'NOT_AUTHENTICATED' }));
  });

  it('logout deletes the record before the response and clears the cookie with Clear-Site-Data', async () => {
    const { manager } = setup();
    const cookie = await loginAs(manager, 'alice');
    const s = await manager.load(req(cookie));
    const handle = s.handle as string;
    await s.destroy();
    expect(await manager.store.get(handle)).toBeNull();
    const { headers } = await finish(s, cookie);
    const clearing = parseSetCookie(headers.find(([n]) => n === 'set-cookie')?.[1] ?? '');
    expect(clearing.value).toBe('');
    expect(clearing.attributes.get('max-age')).toBe('0');
    expect(headers).toContainEqual(['clear-site-data', '"cache", "cookies", "storage"']);
    expect((await manager.load(req(cookie))).userId).toBeNull();
  });

  it('a destroyed session is not resurrected by a request that was in flight', async () => {
    const { manager } = setup();
    const cookie = await loginAs(manager, 'alice');
    const inFlight = await manager.load(req(cookie));
    const logout = await manager.load(req(cookie));
    await logout.destroy();
    inFlight.set('theme', 'late write');
    const { headers } = await finish(inFlight, cookie);
    expect(parseSetCookie(headers.find(([n]) => n === 'set-cookie')?.[1] ?? '').value).toBe('');
    expect(await manager.store.get(logout.handle ?? inFlight.handle ?? '')).toBeNull();
    expect((await manager.load(req(cookie))).userId).toBeNull();
  });

  it('regenerate keeps data and deadlines; reauthenticate resets both timers', async () => {
    const { manager, clock } = setup({ idleTimeout: '2h' });
    const cookie = await loginAs(manager, 'alice');
    clock.advance(60 * 60_000);
    const s = await manager.load(req(cookie));
    s.set('theme', 'dark');
    const absolute = s.absoluteExpiresAt;
    const authAt = s.authenticatedAt;
    await s.regenerate();
    expect(s.absoluteExpiresAt).toBe(absolute);
    expect(s.authenticatedAt).toBe(authAt);
    expect(s.get('theme')).toBe('dark');
    const { cookie: c2 } = await finish(s, cookie);
    expect((await manager.load(req(cookie))).userId).toBeNull();
    const t = await manager.load(req(c2));
    expect(t.get('theme')).toBe('dark');
    await t.reauthenticate();
    expect(t.absoluteExpiresAt).toBe(clock() + 12 * 3_600_000);
    expect(t.authenticatedAt).toBe(clock());
    expect(t.isFresh()).toBe(true);
  });

  it('requireFreshAuth answers by the server-side authentication time', async () => {
    const { manager, clock } = setup({ freshAuth: '5m' });
    const cookie = await loginAs(manager, 'alice');
    clock.advance(4 * 60_000);
    expect(() => (async () => (await manager.load(req(cookie))).requireFreshAuth())()).not.toThrow();
    (await manager.load(req(cookie))).requireFreshAuth();
    clock.advance(2 * 60_000);
    const s = await manager.load(req(cookie));
    expect(() => s.requireFreshAuth()).toThrow(expect.objectContaining({ code: 'REAUTH_REQUIRED', status: 403 }));
    const anon = await manager.load(req());
    expect(() => anon.requireFreshAuth()).toThrow(expect.objectContaining({ code: 'NOT_AUTHENTICATED', status: 401 }));
    await expect(anon.reauthenticate()).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
  });
});

describe('expiry is enforced on the server on every read', () => {
  it('TMO-01 idle: valid at 0.9T, anonymous with a clearing cookie after T of silence, record deleted', async () => {
    const { manager, clock, events } = setup();
    const cookie = await loginAs(manager, 'alice');
    clock.advance(27 * 60_000);
    const ok = await manager.load(req(cookie));
    expect(ok.userId).toBe('alice');
    const handle = ok.handle as string;
    await finish(ok, cookie);
    clock.advance(30 * 60_000);
    const expired = await manager.load(req(cookie));
    expect(expired.userId).toBeNull();
    const { headers } = await finish(expired, cookie);
    expect(parseSetCookie(headers.find(([n]) => n === 'set-cookie')?.[1] ?? '').attributes.get('max-age')).toBe('0');
    expect(await manager.store.get(handle)).toBeNull();
    expect(events.map((e) => e.type)).toContain('expired-idle');
  });

  it('TMO-03 absolute: activity does not extend it, and renewal keeps the original deadline', async () => {
    const { manager, clock, events } = setup({ idleTimeout: '30m', absoluteTimeout: '2h', renewAfter: '20m' });
    let cookie = await loginAs(manager, 'alice');
    const rotated = new Set([cookie]);
    for (let t = 0; t < 7; t++) {
      clock.advance(17 * 60_000);
      const s = await manager.load(req(cookie));
      expect(s.userId).toBe('alice');
      cookie = (await finish(s, cookie)).cookie as string;
      rotated.add(cookie);
    }
    expect(rotated.size).toBeGreaterThan(2);
    clock.advance(17 * 60_000);
    expect((await manager.load(req(cookie))).userId).toBeNull();
    expect(events.map((e) => e.type)).toContain('expired-absolute');
  });

  it('TMO-06 an expired record that the store still returns is not trusted', async () => {
    const { manager, clock } = setup();
    const cookie = await loginAs(manager, 'alice');
    const handle = (await manager.load(req(cookie))).handle as string;
    clock.advance(31 * 60_000);
    expect(await manager.store.get(handle)).not.toBeNull();
    expect((await manager.load(req(cookie))).userId).toBeNull();
  });
});

describe('key rotation', () => {
  it('a cookie signed under an older secret works and is re-issued under the newest; data is resealed', async () => {
    const clock = manualClock();
    const store = memoryStore();
    const before = createSessions<Data>({ secrets: [SECRET_A], store, clock });
    const s = await before.load(req());
    s.set('theme', 'dark');
    const { cookie } = await finish(s);
    const events: SessionEvent[] = [];
    const after = createSessions<Data>({ secrets: [SECRET_B, SECRET_A], store, clock, onEvent: (e) => events.push(e) });
    const t = await after.load(req(cookie));
    expect(t.get('theme')).toBe('dark');
    const { cookie: reissued } = await finish(t, cookie);
    expect(reissued).not.toBe(cookie);
    expect(events.map((e) => e.type)).toContain('key-rotated');
    const onlyNew = createSessions<Data>({ secrets: [SECRET_B], store, clock });
    const u = await onlyNew.load(req(reissued));
    expect(u.get('theme')).toBe('dark');
    expect((await onlyNew.load(req(cookie))).get('theme')).toBeUndefined();
  });
});
