import { describe, expect, it } from 'vitest';
import { fieldAad, openFields, SYSTEM_FIELD, sealFields } from '../../src/core/record.js';
import { seal } from '../../src/crypto/seal.js';
import { createSessions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { SECRET_A } from '../helpers/clock.js';
import { finish, loginAs, req } from '../helpers/requests.js';

type Data = { n: number; note: string };

function setup() {
  const store = memoryStore();
  const manager = createSessions<Data>({ secrets: [SECRET_A], store });
  return { store, manager, keyring: manager.options.keyring };
}

describe('internal values are stored together in one sealed $sys field', () => {
  it('seals $-entries into $sys and user entries one by one; opening gives every entry back', () => {
    const { keyring } = setup();
    const plain = new Map([
      ['$csrf', JSON.stringify('secret-value')],
      ['$client', JSON.stringify({ device: 'Firefox \u0001 with a control char', ip: '::1' })],
      ['note', JSON.stringify('a \u0001 b')],
    ]);
    const sealed = sealFields(keyring, 'rec-1', plain);
    expect(Object.keys(sealed).sort()).toEqual([SYSTEM_FIELD, 'note']);
    expect(openFields(keyring, { id: 'rec-1', fields: sealed })).toEqual(plain);
  });

  it('a $sys value moved to another record, or one that does not unpack, opens as nothing', () => {
    const { keyring } = setup();
    const sealed = sealFields(keyring, 'rec-1', [['$csrf', '"x"']]);
    expect(openFields(keyring, { id: 'rec-2', fields: sealed })).toBeNull();
    const odd = { [SYSTEM_FIELD]: seal(keyring, '$csrf\u0001"x"\u0001$auth', fieldAad('rec-1', SYSTEM_FIELD)) };
    expect(openFields(keyring, { id: 'rec-1', fields: odd })).toBeNull();
  });

  it('a new session and a login each store the internal values as $sys only', async () => {
    const { store, manager } = setup();
    const first = await manager.load(req());
    first.set('n', 1);
    const { cookie } = await finish(first);
    const created = await store.get(first.handle as string);
    expect(Object.keys(created?.fields ?? {}).sort()).toEqual([SYSTEM_FIELD, 'n']);
    const again = await manager.load(req(cookie));
    expect(typeof again.internalGet('$csrf')).toBe('string');
    await again.login('alice');
    await finish(again);
    const loggedIn = await store.get(again.handle as string);
    expect(Object.keys(loggedIn?.fields ?? {})).toEqual([SYSTEM_FIELD]);
    expect(again.auth).toEqual({ aal: 1, amr: ['pwd'], pending: false });
  });

  it('records written before $sys still read, and their first internal change moves them into $sys', async () => {
    const { store, manager, keyring } = setup();
    const cookie = await loginAs(manager, 'alice', 'OldBrowser/9');
    const handle = cookie.split('=')[1]?.split('.')[0] as string;
    const current = await store.get(handle);
    const opened = openFields(keyring, current as NonNullable<typeof current>);
    // Rewrite the record the way earlier versions stored it: one sealed field per internal value.
    const legacy: Record<string, string> = {};
    for (const [name, json] of opened ?? []) legacy[name] = seal(keyring, json, fieldAad(handle, name));
    expect(await store.patch(handle, { set: legacy, unset: [SYSTEM_FIELD] })).toBe('ok');

    const session = await manager.load(req(cookie, { headers: { 'user-agent': 'OldBrowser/9' } }));
    expect(session.userId).toBe('alice');
    const csrfBefore = session.internalGet('$csrf');
    expect(typeof csrfBefore).toBe('string');
    expect((await manager.listSessions('alice'))[0]?.device).toBe('OldBrowser/9');

    session.internalSet('$auth', { ...session.auth, aal: 2 });
    await finish(session, cookie);
    const migrated = await store.get(handle);
    expect(Object.keys(migrated?.fields ?? {})).toEqual([SYSTEM_FIELD]);
    const reread = await manager.load(req(cookie, { headers: { 'user-agent': 'OldBrowser/9' } }));
    expect(reread.auth.aal).toBe(2);
    expect(reread.internalGet('$csrf')).toBe(csrfBefore);
    expect((await manager.listSessions('alice'))[0]?.device).toBe('OldBrowser/9');
  });

  it('a data-only write leaves $sys untouched (one seal per changed field)', async () => {
    const { store, manager } = setup();
    const first = await manager.load(req());
    first.set('n', 1);
    const { cookie } = await finish(first);
    const before = (await store.get(first.handle as string))?.fields[SYSTEM_FIELD];
    const next = await manager.load(req(cookie));
    next.set('n', 2);
    await finish(next, cookie);
    const after = await store.get(first.handle as string);
    expect(after?.fields[SYSTEM_FIELD]).toBe(before);
    expect((await manager.load(req(cookie))).get('n')).toBe(2);
  });
});
