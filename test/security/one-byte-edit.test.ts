import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseToken } from '../../src/core/token.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { openRecord, sealRecord } from '../../src/stores/cookie/codec.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';
import { type Bank, buildBank, HTTPS, login } from './helpers/bank.js';
import { type Edit, indexSpellings, oneByteEdits } from './helpers/one-byte-edits.js';

const COOKIE = '__Host-sid';
// Two secrets, so index 1 names an existing key: only the authenticated header refuses `g2.1.`.
const SECRETS = [SECRET_A, SECRET_B];

/** One listening server per bank, and a bare GET /me with exactly the given cookie value. */
async function listen(bank: Bank): Promise<{ server: Server; me: (value: string) => Promise<Response> }> {
  const server = createServer(bank.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const me = (value: string) =>
    fetch(`http://127.0.0.1:${port}/me`, { headers: { ...HTTPS, cookie: `${COOKIE}=${value}` }, redirect: 'manual' });
  return { server, me };
}

/** Whether a response hands the client a (re-sealed or re-issued) session cookie. */
function issuesSession(res: Response): boolean {
  return res.headers
    .getSetCookie()
    .some((c) => c.startsWith(`${COOKIE}=`) && !/^[^=]+=;/.test(c) && !/Max-Age=0/i.test(c));
}

const modes = [
  { mode: 'token mode (memory store)', store: () => memoryStore(), sealed: false },
  { mode: 'cookie: mode (sealed)', store: () => cookieStore({ revocation: memoryStore() }), sealed: true },
] as const;

describe.each(modes)('STO-03 / TOK-05 one-byte-edit matrix, $mode', ({ store, sealed }) => {
  let bank: Bank;
  let http: Awaited<ReturnType<typeof listen>>;
  let value: string;
  let edits: Edit[];

  beforeAll(async () => {
    bank = buildBank({ secrets: SECRETS, store: store() });
    http = await listen(bank);
    value = (await login(bank)).jar.sid as string;
    edits = [...oneByteEdits(value), ...(sealed ? indexSpellings(value) : [])];
  });
  afterAll(() => new Promise<void>((resolve) => http.server.close(() => resolve())));

  it('the matrix covers every position, appends, drops, unused-bit flips (and index spellings)', () => {
    expect(value).toMatch(sealed ? /^g2\.0\.[A-Za-z0-9_-]+$/ : /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const labels = edits.map((e) => e.label);
    expect(labels.filter((l) => l.startsWith('change ')).length).toBe(value.length);
    expect(labels.filter((l) => l.startsWith('drop ')).length).toBe(value.length);
    expect(labels.some((l) => l.startsWith('append '))).toBe(true);
    expect(labels.some((l) => l.startsWith('flip '))).toBe(true);
    if (sealed) expect(labels).toContain("index '007'");
  });

  it('unit: the decoder refuses every edit and still opens the original', () => {
    const keyring = new Keyring(SECRETS);
    const accepts = (v: string) => (sealed ? openRecord(keyring, COOKIE, v) !== null : parseToken(keyring, v).ok);
    expect(accepts(value)).toBe(true);
    expect(edits.filter((edit) => accepts(edit.value)).map((e) => e.label)).toEqual([]);
  });

  it('HTTP: every edited cookie is refused (401, tampered or malformed) and nothing is re-issued', async () => {
    expect((await http.me(value)).status).toBe(200);
    const accepted: string[] = [];
    const reissued: string[] = [];
    for (const edit of edits) {
      const res = await http.me(edit.value);
      if (res.status !== 401) accepted.push(`${edit.label} -> ${res.status}`);
      if (issuesSession(res)) reissued.push(edit.label);
      await res.arrayBuffer();
    }
    expect(accepted).toEqual([]);
    expect(reissued).toEqual([]);
    expect((await http.me(value)).status).toBe(200);
  });
});

describe('STO-03 sealed cookies of every body length % 4', () => {
  it('unit: refuses the unused-bit flips, appends and drops whatever the body length', () => {
    const keyring = new Keyring(SECRETS);
    const seen = new Set<number>();
    for (let pad = 0; pad < 8; pad++) {
      const value = sealRecord(keyring, COOKIE, makeRecord({ fields: { note: 'x'.repeat(pad) } }));
      const body = value.split('.')[2] as string;
      seen.add(body.length % 4);
      expect(openRecord(keyring, COOKIE, value)).not.toBeNull();
      const accepted = oneByteEdits(value).filter((edit) => openRecord(keyring, COOKIE, edit.value) !== null);
      expect(accepted.map((e) => e.label)).toEqual([]);
    }
    expect([...seen].sort()).toEqual([0, 2, 3]); // base64url never ends with length % 4 == 1
  });
});

describe('STO-03 key rotation in cookie: mode: the key that opened the cookie decides the re-seal', () => {
  it('a cookie sealed under a retired key is re-sealed once under the newest; a respelled index is refused', async () => {
    const revocation = memoryStore(); // one deployment: the revocation records outlive the rotation
    const old = buildBank({ secrets: [SECRET_B], store: cookieStore({ revocation }) });
    const oldValue = (await login(old)).jar.sid as string;
    const rotated = buildBank({ secrets: [SECRET_A, SECRET_B], store: cookieStore({ revocation }) });
    const http = await listen(rotated);
    try {
      const first = await http.me(oldValue);
      expect(first.status).toBe(200);
      expect(issuesSession(first)).toBe(true);
      const fresh = first.headers
        .getSetCookie()
        .find((c) => c.startsWith(`${COOKIE}=`))
        ?.split(';')[0]
        ?.slice(COOKIE.length + 1) as string;
      expect(fresh).toMatch(/^g2\.0\./);
      const second = await http.me(fresh);
      expect(second.status).toBe(200);
      expect(issuesSession(second)).toBe(false); // sealed under the newest key: nothing to do
      const respelled = fresh.replace(/^g2\.0\./, 'g2.1.');
      expect((await http.me(respelled)).status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
    }
  });
});
