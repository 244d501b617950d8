import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { hasWarned } from '../../src/vocabulary/warn-once.js';
import { buildBank, client, Jar, login } from './helpers/bank.js';

function cookieBank(withRevocation = true) {
  const revocation = memoryStore();
  const bank = buildBank({ store: cookieStore(withRevocation ? { revocation } : {}) });
  return { ...bank, revocation };
}

describe('sealed-cookie mode (checklist STO-03, CK-10)', () => {
  it('STO-03 the whole session is sealed into the cookie: no user id or data readable, nothing stored server-side', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    await c.send('post', '/account/email', jar, { email: 'CANARY-9f3a', _csrf: token });
    const value = jar.sid as string;
    expect(value).toMatch(/^g2\.0\./);
    const decoded = Buffer.from(value.split('.')[2] as string, 'base64url').toString('latin1');
    expect(decoded).not.toContain('alice');
    expect(decoded).not.toContain('CANARY');
    // Server-side, only the global "not before" record (revocation.ts): no session, no user.
    expect((await bank.revocation.count?.()) ?? 0).toBe(1);
    expect((await bank.revocation.get('nb-all'))?.userId).toBeNull();
    const me = await c.get('/me', jar);
    expect(me.body).toEqual({ user: 'alice', balance: 100 });
  });

  it('STO-03 a cookie replayed after logout is refused', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    const copy = jar.clone();
    await c.send('post', '/logout', jar, { _csrf: token });
    expect(jar.sid).toBeUndefined();
    expect((await c.get('/me', copy)).status).toBe(401);
  });

  it('STO-03 a cookie with one byte changed is refused', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const { jar } = await login(bank);
    const value = jar.sid as string;
    const at = value.length - 10;
    const edited = new Jar();
    edited.cookies.set('__Host-sid', value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1));
    const res = await c.get('/me', edited);
    expect(res.status).toBe(401);
    expect(bank.events.some((e) => e.type === 'tampered')).toBe(true);
  });

  it('STO-03 an admin revoke of the user refuses copies taken before it (per-user not-before)', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const alice = await login(bank, 'alice');
    const copy = alice.jar.clone();
    const admin = await login(bank, 'admin');
    bank.clock.advance(1000);
    expect((await c.send('post', '/admin/users/alice/revoke', admin.jar, { _csrf: admin.token })).status).toBe(204);
    expect((await c.get('/me', copy)).status).toBe(401);
    expect((await c.get('/me', admin.jar)).status).toBe(200);
    bank.clock.advance(1000);
    const again = await login(bank, 'alice');
    expect((await c.get('/me', again.jar)).status).toBe(200);
  });

  it('STO-03 a global revoke refuses every earlier cookie; "sign out others" keeps the current one', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const a1 = await login(bank, 'alice');
    const a2 = await login(bank, 'alice');
    bank.clock.advance(1000);
    await c.send('post', '/password', a1.jar, { current: 'alice-pw', _csrf: a1.token });
    expect((await c.get('/me', a1.jar)).status).toBe(200);
    expect((await c.get('/me', a2.jar)).status).toBe(401);
    const admin = await login(bank, 'admin');
    bank.clock.advance(1000);
    await c.send('post', '/admin/revoke-all', admin.jar, { _csrf: admin.token });
    expect((await c.get('/me', a1.jar)).status).toBe(401);
  });

  it('FIX-01 in cookie mode the pre-login cookie stops working after login', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const anon = new Jar();
    await c.send('post', '/cart', anon, { item: 'book', _csrf: await c.token(anon) });
    expect(anon.sid).toBeDefined();
    const t = await c.token(anon);
    const before = anon.clone();
    await c.send('post', '/login', anon, { username: 'alice', password: 'alice-pw', _csrf: t });
    expect(anon.sid).not.toBe(before.sid);
    const res = await c.get('/me', before);
    expect(res.status).toBe(401);
  });

  it('TMO-01 idle and absolute deadlines inside the sealed cookie are enforced by the server', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const { jar } = await login(bank);
    const stale = jar.clone();
    bank.clock.advance(29 * 60_000);
    expect((await c.get('/me', jar)).status).toBe(200); // touch re-issues the cookie
    bank.clock.advance(2 * 60_000);
    expect((await c.get('/me', stale)).status).toBe(401);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('CK-10 a session that would not fit in 4096 bytes fails with COOKIE_TOO_LARGE, no oversized header', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const { jar, token } = await login(bank);
    const res = await c.send('post', '/account/email', jar, { email: 'x'.repeat(5000), _csrf: token });
    // Too much data for a cookie is bad input (413), never a store outage (503).
    expect(res.status).toBe(413);
    for (const header of [res.headers['set-cookie'] ?? []].flat()) expect(String(header).length).toBeLessThan(4200);
    const fits = await c.send('post', '/account/email', jar, { email: 'x'.repeat(1500), _csrf: token });
    expect(fits.status).toBe(200);
    const cookie = [fits.headers['set-cookie']].flat().find((h) => String(h).startsWith('__Host-sid=')) as string;
    expect(cookie.split(';')[0]?.length).toBeLessThanOrEqual(4096);
  });

  it('without a revocation store it still works and warns once at startup', async () => {
    const bank = cookieBank(false);
    expect(bank.events.filter((e) => e.type === 'config-warning').map((e) => e.reason)).toEqual([
      'cookie-store-without-revocation',
    ]);
    expect(hasWarned('cookie-store-without-revocation')).toBe(true);
    const { jar } = await login(bank);
    expect((await client(bank).get('/me', jar)).status).toBe(200);
  });

  it('STO-03 a per-process revocation store (memory, SQLite :memory:) raises a config-warning and a CustosWarning', async () => {
    const warnings = (bank: { events: { type: string; reason?: string }[] }) =>
      bank.events.filter((e) => e.type === 'config-warning').map((e) => e.reason);
    expect(warnings(cookieBank())).toEqual(['cookie-revocation-per-process']);
    expect(hasWarned('cookie-revocation-per-process')).toBe(true);
    const inMemorySqlite = sqliteStore({ path: ':memory:' });
    expect(warnings(buildBank({ store: cookieStore({ revocation: inMemorySqlite }) }))).toEqual([
      'cookie-revocation-per-process',
    ]);
    await inMemorySqlite.close();
    const dir = mkdtempSync(join(tmpdir(), 'custos-revocation-'));
    try {
      const file = sqliteStore({ path: join(dir, 'revocation.db') });
      expect(warnings(buildBank({ store: cookieStore({ revocation: file }) }))).toEqual([]);
      await file.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('STO-03 the global not-before record outlives every cookie; losing it signs everyone out (fail closed)', async () => {
    const bank = cookieBank();
    const c = client(bank);
    const lifetime = 12 * 3_600_000; // the default absolute timeout
    for (let elapsed = 0; elapsed < 3 * lifetime; elapsed += 3_600_000) {
      bank.clock.advance(3_600_000);
      const { jar } = await login(bank);
      expect((await c.get('/me', jar)).status).toBe(200);
      await bank.revocation.purgeExpired(bank.clock());
      expect(await bank.revocation.get('nb-all')).not.toBeNull();
    }
    const live = (await login(bank)).jar;
    const other = await login(bank);
    const loggedOut = other.jar.clone();
    await c.send('post', '/logout', other.jar, { _csrf: other.token });
    await bank.revocation.revokeAll(); // an epoch bump (or a flush) drops every revocation record
    expect((await c.get('/me', loggedOut)).status).toBe(401);
    expect((await c.get('/me', live)).status).toBe(401);
    bank.clock.advance(1);
    const after = await login(bank);
    expect((await c.get('/me', after.jar)).status).toBe(200);
  });

  it('refuses maxSessionsPerUser (needs a listable server-side store)', () => {
    expect(() => buildBank({ store: cookieStore(), maxSessionsPerUser: 2 })).toThrow(/server-side store/);
  });
});
