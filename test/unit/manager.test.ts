import { describe, expect, it } from 'vitest';
import { serializeToken } from '../../src/core/token.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { manualClock, SECRET_A } from '../helpers/clock.js';
import { finish, loginAs, req } from '../helpers/requests.js';
import { brokenStore } from '../helpers/stores.js';

function setup(extra: Record<string, unknown> = {}) {
  const clock = manualClock();
  const events: SessionEvent[] = [];
  const manager = createSessions({
    secrets: [SECRET_A],
    store: memoryStore(),
    clock,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { manager, clock, events };
}

describe('per-user session lists and revocation', () => {
  it('TRM-05 lists a user’s sessions with device and current flag, never a token', async () => {
    const { manager } = setup();
    const phone = await loginAs(manager, 'alice', 'Phone/1.0');
    const laptop = await loginAs(manager, 'alice', 'Laptop/2.0');
    await loginAs(manager, 'bob');
    const current = await manager.load(req(laptop));
    const list = await manager.listSessions('alice', current.handle);
    expect(list).toHaveLength(2);
    expect(list.map((s) => s.device).sort()).toEqual(['Laptop/2.0', 'Phone/1.0']);
    expect(list.filter((s) => s.current).map((s) => s.device)).toEqual(['Laptop/2.0']);
    expect(list[0]?.ip).toBe('203.0.113.7');
    const text = JSON.stringify(list);
    for (const cookie of [phone, laptop]) {
      for (const part of cookie.split('=')[1]?.split('.').slice(1) ?? []) expect(text).not.toContain(part);
    }
  });

  it('TRM-04 revokeUser with except signs out the other devices only', async () => {
    const { manager, events } = setup();
    const a = await loginAs(manager, 'alice');
    const b = await loginAs(manager, 'alice');
    const c = await loginAs(manager, 'alice');
    const keep = (await manager.load(req(a))).handle;
    expect(await manager.revokeUser('alice', { except: [keep] })).toBe(2);
    expect((await manager.load(req(a))).userId).toBe('alice');
    expect((await manager.load(req(b))).userId).toBeNull();
    expect((await manager.load(req(c))).userId).toBeNull();
    expect(events.some((e) => e.type === 'revoked' && e.count === 2)).toBe(true);
  });

  it('revoke(handle) only revokes the owner’s session when a user is given', async () => {
    const { manager } = setup();
    const alice = await loginAs(manager, 'alice');
    const handle = (await manager.load(req(alice))).handle as string;
    expect(await manager.revoke(handle, { userId: 'bob' })).toBe(false);
    expect((await manager.load(req(alice))).userId).toBe('alice');
    expect(await manager.revoke('not-a-handle')).toBe(false);
    expect(await manager.revoke('')).toBe(false);
    expect(await manager.revoke(handle, { userId: 'alice' })).toBe(true);
    expect((await manager.load(req(alice))).userId).toBeNull();
  });

  it('TRM-06 revokeAll ends every session at once; new logins still work', async () => {
    const { manager } = setup();
    const a = await loginAs(manager, 'alice');
    const b = await loginAs(manager, 'bob');
    await manager.revokeAll();
    expect((await manager.load(req(a))).userId).toBeNull();
    expect((await manager.load(req(b))).userId).toBeNull();
    const fresh = await loginAs(manager, 'alice');
    expect((await manager.load(req(fresh))).userId).toBe('alice');
  });

  it('listSessions leaves out expired sessions, purgeExpired removes them', async () => {
    const { manager, clock } = setup();
    await loginAs(manager, 'alice');
    clock.advance(20 * 60_000);
    const recent = await loginAs(manager, 'alice');
    clock.advance(15 * 60_000);
    expect(await manager.listSessions('alice')).toHaveLength(1);
    expect(await manager.purgeExpired({ batchSize: 1 })).toBe(1);
    expect(await manager.purgeExpired()).toBe(0);
    expect((await manager.load(req(recent))).userId).toBe('alice');
  });
});

describe('FIX-06 concurrent-session cap', () => {
  it('evict-oldest: the third login ends the least recently used session', async () => {
    const { manager, clock } = setup({ maxSessionsPerUser: 2 });
    const s1 = await loginAs(manager, 'alice');
    clock.advance(1000);
    const s2 = await loginAs(manager, 'alice');
    clock.advance(1000);
    const s3 = await loginAs(manager, 'alice');
    expect((await manager.load(req(s1))).userId).toBeNull();
    expect((await manager.load(req(s2))).userId).toBe('alice');
    expect((await manager.load(req(s3))).userId).toBe('alice');
  });

  it('refuse: the third login fails with TOO_MANY_SESSIONS and the others keep working', async () => {
    const { manager } = setup({ maxSessionsPerUser: 2, onMaxSessions: 'refuse' });
    const s1 = await loginAs(manager, 'alice');
    const s2 = await loginAs(manager, 'alice');
    await expect(loginAs(manager, 'alice')).rejects.toMatchObject({ code: 'TOO_MANY_SESSIONS', status: 403 });
    expect((await manager.load(req(s1))).userId).toBe('alice');
    expect((await manager.load(req(s2))).userId).toBe('alice');
  });
});

describe('untrusted input becomes an anonymous session plus an event', () => {
  it('TOK-04 duplicate session cookies in either order authenticate nobody', async () => {
    const { manager, events } = setup();
    const victim = await loginAs(manager, 'alice');
    const attacker = await loginAs(manager, 'mallory');
    for (const cookie of [`${victim}; ${attacker}`, `${attacker}; ${victim}`]) {
      expect((await manager.load(req(cookie))).userId).toBeNull();
    }
    expect(events.filter((e) => e.type === 'duplicate-cookie')).toHaveLength(2);
  });

  it('TOK-03 an unknown but well-formed id is never adopted', async () => {
    const { manager, events } = setup();
    const cookie = await loginAs(manager, 'alice');
    const handle = (await manager.load(req(cookie))).handle as string;
    await manager.revoke(handle);
    const s = await manager.load(req(cookie));
    expect(s.handle).toBeNull();
    await s.login('alice');
    const { cookie: fresh } = await finish(s, cookie);
    expect(fresh).not.toBe(cookie);
    expect(events.map((e) => e.type)).toContain('unknown-id');
  });

  it('a right id with a wrong secret is tampering', async () => {
    const { manager, events } = setup();
    const cookie = await loginAs(manager, 'alice');
    const other = await loginAs(manager, 'bob');
    const [name, value] = cookie.split('=') as [string, string];
    const [id] = value.split('.');
    const [, secret, mac] = (other.split('=')[1] as string).split('.');
    // Re-MAC is impossible without the key, so this reaches only the MAC check:
    expect((await manager.load(req(`${name}=${id}.${secret}.${mac}`))).userId).toBeNull();
    expect(events.some((e) => e.type === 'tampered')).toBe(true);
    // With a valid MAC (as if the key leaked), a wrong secret still fails at the stored verifier.
    const forged = serializeToken(new Keyring([SECRET_A]), { id: id as string, secret: secret as string });
    expect((await manager.load(req(`${name}=${forged}`))).userId).toBeNull();
    expect(events.some((e) => e.type === 'tampered' && e.reason === 'bad-secret')).toBe(true);
  });

  it('STO-01 a store record (id + verifier) does not make a usable cookie', async () => {
    const { manager } = setup();
    const cookie = await loginAs(manager, 'alice');
    const handle = (await manager.load(req(cookie))).handle as string;
    const record = await manager.store.get(handle);
    const fromDump = serializeToken(new Keyring([SECRET_A]), { id: handle, secret: record?.verifier as string });
    expect((await manager.load(req(`__Host-sid=${record?.verifier}`))).userId).toBeNull();
    expect((await manager.load(req(`__Host-sid=${fromDump}`))).userId).toBeNull();
  });

  it('TLS-03 a session cookie over plain HTTP to a public host is ignored, and none is issued', async () => {
    const { manager, events } = setup();
    const cookie = await loginAs(manager, 'alice');
    const plain = { secure: false, headers: { host: 'bank.example' } };
    expect((await manager.load(req(cookie, plain))).userId).toBeNull();
    const anon = await manager.load(req(undefined, plain));
    expect(() => anon.set('x' as never, 1 as never)).toThrow(expect.objectContaining({ code: 'HTTPS_REQUIRED' }));
    await expect(anon.login('alice')).rejects.toMatchObject({ code: 'HTTPS_REQUIRED' });
    expect(events.some((e) => e.type === 'https-required')).toBe(true);
    const local = await manager.load(req(cookie, { secure: false, headers: { host: 'localhost:3000' } }));
    expect(local.userId).toBe('alice');
  });

  it('a listener that throws does not break the request', async () => {
    const manager = createSessions({
      secrets: [SECRET_A],
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    const s = await manager.load(req());
    await s.login('alice');
    expect(s.isAuthenticated).toBe(true);
  });
});

describe('health', () => {
  it('isHealthy follows the store', async () => {
    const base = memoryStore();
    const broken = brokenStore('reject', base);
    const manager = createSessions({ secrets: [SECRET_A], store: broken, storeTimeout: 200 });
    expect(await manager.isHealthy()).toBe(false);
    await expect(
      manager.load(req('__Host-sid=' + 'a'.repeat(22) + '.' + 'b'.repeat(43) + '.' + 'c'.repeat(22))),
    ).resolves.toBeTruthy();
    broken.heal();
    expect(await manager.isHealthy()).toBe(true);
    await manager.close();
  });

  it('the clearing cookie matches the configured scope', () => {
    const { manager } = setup();
    expect(manager.clearingCookie()).toBe(
      '__Host-sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax',
    );
    const strict = createSessions({ secrets: [SECRET_A], cookie: { sameSite: 'strict', secure: false } });
    expect(strict.clearingCookie()).toBe(
      'sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
    );
  });
});
