import { describe, expect, it } from 'vitest';
import { parseSetCookie } from '../helpers/cookies.js';
import { finish, loginAs, req } from '../helpers/requests.js';
import { setup } from './session-lifecycle-fixture.js';

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
