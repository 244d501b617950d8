import { describe, expect, it } from 'vitest';
import { parseSetCookie } from '../helpers/cookies.js';
import { finish, loginAs, req } from '../helpers/requests.js';
import { setup } from './session-lifecycle-fixture.js';

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
