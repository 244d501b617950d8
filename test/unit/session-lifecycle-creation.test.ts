import { describe, expect, it } from 'vitest';
import { parseSetCookie } from '../helpers/cookies.js';
import { finish, loginAs, req } from '../helpers/requests.js';
import { setup } from './session-lifecycle-fixture.js';

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
