import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { openFields } from '../../src/core/record.js';
import type { StoredSession } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { brokenStore } from '../helpers/stores.js';
import { buildBank, client, HTTPS, Jar, login } from './helpers/bank.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-security-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CANARY = 'CANARY-9f3a';

async function all(store: { exportRecords(): AsyncIterable<StoredSession> }): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for await (const record of store.exportRecords()) out.push(record);
  return out;
}

/** Sets the canary in alice's session and returns the jar, the cookie value and its parts. */
async function withCanary(bank: ReturnType<typeof buildBank>) {
  const c = client(bank);
  const { jar, token } = await login(bank);
  await c.send('post', '/account/email', jar, { email: CANARY, _csrf: token });
  const value = jar.sid as string;
  const [id, secret, mac] = value.split('.') as [string, string, string];
  return { jar, value, id, secret, mac };
}

describe('storage (checklist §6)', () => {
  it('STO-01 a raw SQLite file dump holds no canary, no cookie value, no secret (nor its decoded bytes)', async () => {
    const path = join(dir, 'dump.db');
    const store = sqliteStore({ path });
    const bank = buildBank({ store });
    const { value, secret } = await withCanary(bank);
    const raw = readdirSync(dir)
      .filter((f) => f.startsWith('dump.db'))
      .map((f) => readFileSync(join(dir, f)))
      .reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0));
    expect(raw.length).toBeGreaterThan(0);
    for (const needle of [CANARY, value, secret, Buffer.from(secret, 'base64url').toString('hex')]) {
      expect(raw.includes(Buffer.from(needle))).toBe(false);
    }
    expect(raw.includes(Buffer.from(secret, 'base64url'))).toBe(false);
    await bank.manager.close();
  });

  it('STO-01 a store key or verifier sent as the cookie does not authenticate', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const { id } = await withCanary(bank);
    const [record] = await all(store);
    const c = client(bank);
    for (const forged of [id, record?.verifier as string, `${id}.${record?.verifier}`]) {
      const jar = new Jar();
      jar.cookies.set('__Host-sid', forged);
      expect((await c.get('/me', jar)).status).toBe(401);
    }
  });

  it('STO-02 the exported records (as any store holds them) contain no canary', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    await withCanary(bank);
    const dump = JSON.stringify(await all(store));
    expect(dump).not.toContain(CANARY);
    expect(dump).toContain('"email"');
  });

  it('STO-02 flipping one byte of a stored ciphertext gives "no session" (401), not 5xx or data', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const { jar, id } = await withCanary(bank);
    const [record] = (await all(store)).filter((r) => r.id === id) as [StoredSession];
    const sealed = record.fields.email as string;
    const at = sealed.length - 5;
    const flipped = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    await store.importRecords([{ ...record, fields: { ...record.fields, email: flipped } }]);
    const res = await client(bank).get('/me', jar);
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(CANARY);
    expect(bank.events.some((e) => e.type === 'tampered' && e.reason === 'bad-seal')).toBe(true);
  });

  it('STO-02 session X’s ciphertext copied into session Y does not open (AAD binds record and field)', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const x = await withCanary(bank);
    const y = await login(bank, 'bob');
    const records = await all(store);
    const rx = records.find((r) => r.id === x.id) as StoredSession;
    const ry = records.find((r) => r.id === (y.jar.sid as string).split('.')[0]) as StoredSession;
    await store.importRecords([{ ...ry, fields: { ...ry.fields, email: rx.fields.email as string } }]);
    const res = await client(bank).get('/me', y.jar);
    expect(res.status).toBe(401);
    // Same record, another field name: also refused.
    await store.importRecords([{ ...rx, fields: { ...rx.fields, $client: rx.fields.email as string } }]);
    expect((await client(bank).get('/me', x.jar)).status).toBe(401);
  });

  it('STO-04 a store outage fails closed: 503 with a generic body, never a 200, never a new cookie', async () => {
    const base = memoryStore();
    const bank = buildBank({ store: base });
    const { jar } = await login(bank);
    const c = client(bank);
    // A second instance over the same records whose store is down.
    const down = brokenStore('reject', base);
    const outage = buildBank({ store: down, storeTimeout: 200 });
    const me = await client(outage).get('/me', jar);
    expect(me.status).toBe(503);
    expect(me.text).toBe('Service unavailable');
    expect(me.headers['set-cookie']).toBeUndefined();
    const attempt = await request(outage.app)
      .post('/login')
      .set({ ...HTTPS, 'sec-fetch-site': 'same-origin' })
      .type('form')
      .send({ username: 'alice', password: 'alice-pw' });
    expect(attempt.status).not.toBe(303);
    expect(String(attempt.headers['set-cookie'] ?? '')).not.toContain('__Host-sid=');
    expect(outage.events.some((e) => e.type === 'store-error')).toBe(true);
    expect((await c.get('/me', jar)).status).toBe(200);
  });

  it('STO-06 a record after MFA login carries user, auth time, aal/amr, deadlines and a CSRF secret — no password material', async () => {
    const store = memoryStore();
    const bank = buildBank({ store });
    const c = client(bank);
    const { jar, token } = await login(bank, 'mfa');
    await c.send('post', '/login/mfa', jar, { code: '123456', _csrf: token });
    const [record] = await all(store);
    expect(record?.userId).toBe('mfa');
    expect(record?.authenticatedAt).toBeTypeOf('number');
    expect(record?.absoluteExpiresAt).toBeGreaterThan(record?.createdAt as number);
    // The internal values are sealed together in one stored field; opened, all three are there.
    expect(Object.keys(record?.fields ?? {})).toEqual(['$sys']);
    const opened = openFields(bank.manager.options.keyring, record as StoredSession);
    expect([...(opened?.keys() ?? [])]).toEqual(expect.arrayContaining(['$auth', '$csrf', '$client']));
    const csrfSecret = JSON.parse(opened?.get('$csrf') ?? 'null') as string;
    expect(csrfSecret).toMatch(/^[\w-]{43,}$/);
    expect(JSON.stringify(record)).not.toContain(csrfSecret);
    const session = await bank.manager.load({
      method: 'GET',
      url: '/',
      headers: { ...HTTPS, cookie: jar.header },
      secure: true,
    });
    expect(session.auth).toEqual({ aal: 2, amr: ['pwd', 'otp'], pending: false });
    expect(JSON.stringify(record)).not.toMatch(/password|totp|mfa-pw/i);
  });

  it('secrets shorter than 32 bytes refuse to start', () => {
    expect(() => buildBank({ secrets: ['short'] })).toThrow(/at least 32 bytes/);
    expect(SECRET_A.length).toBeGreaterThanOrEqual(32);
  });
});
