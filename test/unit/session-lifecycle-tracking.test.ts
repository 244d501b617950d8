import { describe, expect, it } from 'vitest';
import { finish, loginAs, req } from '../helpers/requests.js';
import { setup } from './session-lifecycle-fixture.js';

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
