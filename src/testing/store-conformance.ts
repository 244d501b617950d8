import assert from 'node:assert/strict';
import { pageFromList } from '../core/device-list.js';
import type { SessionStore, StoredSession } from '../stores/contract.js';
import { makeId, makeRecord, makeSealedValue, makeUserId } from './records.js';

/** What the suite needs from a test runner; vitest, jest and `node:test` all fit. */
export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
  beforeEach(body: () => Promise<void>): unknown;
  afterEach(body: () => Promise<void>): unknown;
}

export interface ConformanceSubject {
  store: SessionStore;
  /** Runs after `store.close()`: drop the key prefix, schema or temp file the factory made. */
  cleanup?: () => Promise<void>;
}

/**
 * Returns a fresh store for one test. Every call must give a store over an *empty* namespace
 * (unique key prefix, fresh table prefix or schema, new temp file): the suite counts, exports,
 * purges and revokes, and asserts exact results.
 */
export type ConformanceFactory = () => Promise<ConformanceSubject>;

const HOUR = 3_600_000;

async function collect(records: AsyncIterable<StoredSession>): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for await (const record of records) out.push(record);
  return out;
}

function byId(records: readonly StoredSession[]): StoredSession[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function ids(records: readonly StoredSession[]): string[] {
  return records.map((r) => r.id).sort();
}

/**
 * Registers the store conformance suite: one test per behaviour of the contract in
 * `custos/stores/contract`. A store is done when this suite passes.
 *
 * @example
 * import { describe, it, beforeEach, afterEach } from 'vitest';
 * import { runStoreConformance } from 'custos/testing';
 * import { memoryStore } from 'custos/stores/memory';
 *
 * runStoreConformance('memory', async () => ({ store: memoryStore() }), { describe, it, beforeEach, afterEach });
 */
export function runStoreConformance(label: string, factory: ConformanceFactory, t: ConformanceRunner): void {
  t.describe(`store conformance: ${label}`, () => {
    let subject: ConformanceSubject | undefined;
    let extra: ConformanceSubject[] = [];
    let closed = false;
    const store = (): SessionStore => {
      if (!subject) throw new Error('store factory did not run');
      return subject.store;
    };
    /** A second, independent store (for export/import between stores). */
    const another = async (): Promise<SessionStore> => {
      const made = await factory();
      extra.push(made);
      return made.store;
    };

    t.beforeEach(async () => {
      closed = false;
      extra = [];
      subject = await factory();
    });

    t.afterEach(async () => {
      const all = subject ? [subject, ...extra] : extra;
      for (const [i, made] of all.entries()) {
        if (!(i === 0 && closed)) await made.store.close();
        await made.cleanup?.();
      }
      subject = undefined;
      extra = [];
    });

    // --- create / get ---------------------------------------------------------------------------

    t.it('create stores a record that get returns unchanged', async () => {
      const record = makeRecord();
      assert.equal(await store().create(record), true);
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('create and get keep an anonymous record with null userId and authenticatedAt', async () => {
      const record = makeRecord({ userId: null, authenticatedAt: null });
      assert.equal(await store().create(record), true);
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('create keeps a record with no fields', async () => {
      const record = makeRecord({ fields: {} });
      assert.equal(await store().create(record), true);
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('create returns false for an existing id and keeps the original', async () => {
      const original = makeRecord();
      await store().create(original);
      const impostor = makeRecord({ id: original.id });
      assert.equal(await store().create(impostor), false);
      assert.deepEqual(await store().get(original.id), original);
    });

    t.it('parallel creates of one id succeed exactly once', async () => {
      const id = makeId();
      const results = await Promise.all(Array.from({ length: 10 }, () => store().create(makeRecord({ id }))));
      assert.equal(results.filter(Boolean).length, 1);
    });

    t.it('get returns null for an unknown id', async () => {
      assert.equal(await store().get(makeId()), null);
    });

    t.it('destroy removes a record and get returns null', async () => {
      const record = makeRecord();
      await store().create(record);
      await store().destroy(record.id);
      assert.equal(await store().get(record.id), null);
    });

    t.it('destroy of an unknown id resolves', async () => {
      await store().destroy(makeId());
    });

    t.it('create succeeds again for a destroyed id', async () => {
      const record = makeRecord();
      await store().create(record);
      await store().destroy(record.id);
      const again = makeRecord({ id: record.id });
      assert.equal(await store().create(again), true);
      assert.deepEqual(await store().get(record.id), again);
    });

    // --- patch ----------------------------------------------------------------------------------

    t.it('patch sets fields and keeps the others', async () => {
      const record = makeRecord();
      await store().create(record);
      const cart = makeSealedValue();
      const theme = makeSealedValue();
      assert.equal(await store().patch(record.id, { set: { cart, theme } }), 'ok');
      const got = await store().get(record.id);
      assert.deepEqual(got?.fields, { ...record.fields, cart, theme });
    });

    t.it('patch unsets fields', async () => {
      const record = makeRecord();
      await store().create(record);
      assert.equal(await store().patch(record.id, { unset: ['cart', 'never-set'] }), 'ok');
      assert.deepEqual((await store().get(record.id))?.fields, { $csrf: record.fields.$csrf });
    });

    t.it('patch applies unset before set', async () => {
      const record = makeRecord();
      await store().create(record);
      const cart = makeSealedValue();
      assert.equal(await store().patch(record.id, { unset: ['cart', '$csrf'], set: { cart } }), 'ok');
      assert.deepEqual((await store().get(record.id))?.fields, { cart });
    });

    t.it('patch updates lastSeenAt and expiresAt and nothing else of the metadata', async () => {
      const record = makeRecord();
      await store().create(record);
      const patch = { lastSeenAt: record.lastSeenAt + 1000, expiresAt: record.expiresAt + 5000 };
      assert.equal(await store().patch(record.id, patch), 'ok');
      assert.deepEqual(await store().get(record.id), { ...record, ...patch });
    });

    t.it('patch without metadata keeps lastSeenAt and expiresAt', async () => {
      const record = makeRecord();
      await store().create(record);
      const theme = makeSealedValue();
      await store().patch(record.id, { set: { theme } });
      const got = await store().get(record.id);
      assert.equal(got?.lastSeenAt, record.lastSeenAt);
      assert.equal(got?.expiresAt, record.expiresAt);
    });

    t.it('patch with an empty patch returns ok and changes nothing', async () => {
      const record = makeRecord();
      await store().create(record);
      assert.equal(await store().patch(record.id, {}), 'ok');
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('patch with a matching expect writes', async () => {
      const record = makeRecord();
      await store().create(record);
      const cart = makeSealedValue();
      const result = await store().patch(record.id, { expect: { cart: record.fields.cart! }, set: { cart } });
      assert.equal(result, 'ok');
      assert.equal((await store().get(record.id))?.fields.cart, cart);
    });

    t.it('patch with a mismatching expect returns conflict and writes nothing', async () => {
      const record = makeRecord();
      await store().create(record);
      const result = await store().patch(record.id, {
        expect: { $csrf: record.fields.$csrf!, cart: makeSealedValue() },
        set: { cart: makeSealedValue(), theme: makeSealedValue() },
        unset: ['$csrf'],
        lastSeenAt: record.lastSeenAt + 1000,
        expiresAt: record.expiresAt + 1000,
      });
      assert.equal(result, 'conflict');
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('patch expect null matches an absent field', async () => {
      const record = makeRecord();
      await store().create(record);
      const token = makeSealedValue();
      assert.equal(await store().patch(record.id, { expect: { token: null }, set: { token } }), 'ok');
      assert.equal((await store().get(record.id))?.fields.token, token);
    });

    t.it('patch expect null conflicts when the field is present', async () => {
      const record = makeRecord();
      await store().create(record);
      assert.equal(
        await store().patch(record.id, { expect: { cart: null }, set: { cart: makeSealedValue() } }),
        'conflict',
      );
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('patch expect of a value conflicts when the field is absent', async () => {
      const record = makeRecord();
      await store().create(record);
      const result = await store().patch(record.id, { expect: { token: makeSealedValue() }, set: { token: 'x' } });
      assert.equal(result, 'conflict');
      assert.deepEqual(await store().get(record.id), record);
    });

    t.it('patch on a missing id returns missing and does not create it', async () => {
      const id = makeId();
      assert.equal(
        await store().patch(id, { set: { cart: makeSealedValue() }, lastSeenAt: 1, expiresAt: 2 }),
        'missing',
      );
      assert.equal(await store().get(id), null);
    });

    t.it('patch on a missing id returns missing even with an expect of null', async () => {
      const id = makeId();
      assert.equal(await store().patch(id, { expect: { cart: null }, set: { cart: makeSealedValue() } }), 'missing');
      assert.equal(await store().get(id), null);
    });

    t.it('patch never resurrects a destroyed record', async () => {
      const record = makeRecord();
      await store().create(record);
      await store().destroy(record.id);
      assert.equal(
        await store().patch(record.id, { set: { cart: makeSealedValue() }, expiresAt: Date.now() + HOUR }),
        'missing',
      );
      assert.equal(await store().get(record.id), null);
      assert.deepEqual(await store().listByUser(record.userId!), []);
    });

    t.it('patch racing destroy never leaves the record behind', async () => {
      const record = makeRecord();
      await store().create(record);
      const patches = Array.from({ length: 20 }, (_, i) => store().patch(record.id, { set: { [`f${i}`]: 'v' } }));
      await Promise.all([...patches, store().destroy(record.id)]);
      assert.equal(await store().get(record.id), null);
    });

    // --- values and names -----------------------------------------------------------------------

    t.it('a 64 KiB field value round-trips', async () => {
      const record = makeRecord();
      await store().create(record);
      const big = makeSealedValue(48 * 1024);
      assert.ok(big.length >= 64 * 1024);
      assert.equal(await store().patch(record.id, { set: { big } }), 'ok');
      assert.equal((await store().get(record.id))?.fields.big, big);
    });

    t.it('field names with odd characters round-trip', async () => {
      const names = ['a.b', '$csrf', '$', 'a"b', "a'b", 'a b', 'a[0]', 'a\\b', '*', 'ключ', '🔑', 'ü/ñ', 'constructor'];
      const fields = Object.fromEntries(names.map((name) => [name, makeSealedValue()]));
      const record = makeRecord({ fields });
      await store().create(record);
      assert.deepEqual((await store().get(record.id))?.fields, fields);
      const next = Object.fromEntries(names.map((name) => [name, makeSealedValue()]));
      assert.equal(await store().patch(record.id, { expect: fields, set: next }), 'ok');
      assert.deepEqual((await store().get(record.id))?.fields, next);
      // The same names through a patch without compare-and-set (stores may take another path).
      const blind = Object.fromEntries(names.map((name) => [name, makeSealedValue()]));
      assert.equal(await store().patch(record.id, { set: blind, unset: ['a.b'] }), 'ok');
      assert.deepEqual((await store().get(record.id))?.fields, blind);
      assert.equal(await store().patch(record.id, { unset: names }), 'ok');
      assert.deepEqual((await store().get(record.id))?.fields, {});
    });

    t.it('field values with quotes, newlines and unicode round-trip', async () => {
      const value = `"quoted" 'single' \\ back\nnew line\ttab \u0000 nul ünï 🔑 {"json":true}`;
      const record = makeRecord({ fields: { odd: value } });
      await store().create(record);
      assert.equal((await store().get(record.id))?.fields.odd, value);
      await store().patch(record.id, { set: { again: value } });
      assert.equal((await store().get(record.id))?.fields.again, value);
    });

    // --- per-user index -------------------------------------------------------------------------

    t.it('listByUser returns every record of that user and no other', async () => {
      const userId = makeUserId();
      const mine = [makeRecord({ userId }), makeRecord({ userId }), makeRecord({ userId })];
      const theirs = makeRecord();
      for (const r of [...mine, theirs]) await store().create(r);
      assert.deepEqual(byId(await store().listByUser(userId)), byId(mine));
    });

    t.it('listByUser returns an empty list for an unknown user', async () => {
      assert.deepEqual(await store().listByUser(makeUserId()), []);
    });

    t.it('listByUser never lists anonymous records', async () => {
      const anonymous = makeRecord({ userId: null, authenticatedAt: null });
      await store().create(anonymous);
      assert.deepEqual(await store().listByUser('null'), []);
      assert.deepEqual(await store().listByUser(''), []);
      assert.equal(await store().destroyByUser('null'), 0);
      assert.deepEqual(await store().get(anonymous.id), anonymous);
    });

    t.it('listByUser omits destroyed records and shows patched ones as patched', async () => {
      const userId = makeUserId();
      const kept = makeRecord({ userId });
      const gone = makeRecord({ userId });
      await store().create(kept);
      await store().create(gone);
      await store().destroy(gone.id);
      const theme = makeSealedValue();
      await store().patch(kept.id, { set: { theme } });
      const listed = await store().listByUser(userId);
      assert.deepEqual(ids(listed), [kept.id]);
      assert.equal(listed[0]?.fields.theme, theme);
    });

    t.it(
      'listByUserPage (or the core fallback) pages through every live record exactly once, ties included',
      async () => {
        const s = store();
        const pageOf = (userId: string, page: { limit: number; after: string | null }) =>
          s.listByUserPage ? s.listByUserPage(userId, page) : pageFromList(s, userId, page.limit, page.after);
        const userId = makeUserId();
        const now = Date.now();
        // Groups of records sharing createdAt and expiresAt: a cursor must split a tie correctly.
        const mine = Array.from({ length: 23 }, (_, i) =>
          makeRecord({
            userId,
            createdAt: now - Math.floor(i / 4) * 1000,
            expiresAt: now + 600_000 - Math.floor(i / 4),
          }),
        );
        const gone = makeRecord({ userId });
        for (const r of [...mine, gone, makeRecord()]) await s.create(r);
        await s.destroy(gone.id);
        const seen: string[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 40; pages++) {
          const page = await pageOf(userId, { limit: 5, after });
          assert.ok(page.records.length <= 5, 'a page holds at most `limit` records');
          for (const r of page.records) assert.equal(r.userId, userId);
          seen.push(...ids(page.records));
          after = page.next;
          if (after === null) break;
          assert.match(after, /^\d{1,16}:[A-Za-z0-9_-]{1,128}$/);
        }
        assert.equal(after, null, 'paging never reached the end');
        assert.deepEqual([...seen].sort(), ids(mine).sort(), 'every live record exactly once');
        assert.equal(new Set(seen).size, seen.length, 'no record on two pages');
      },
    );

    t.it('destroyByUser removes the user records except the listed ids and returns the count', async () => {
      const userId = makeUserId();
      const records = Array.from({ length: 4 }, () => makeRecord({ userId }));
      const other = makeRecord();
      for (const r of [...records, other]) await store().create(r);
      const keep = [records[0]!.id, makeId()];
      assert.equal(await store().destroyByUser(userId, keep), 3);
      assert.deepEqual(ids(await store().listByUser(userId)), [records[0]!.id]);
      for (const r of records.slice(1)) assert.equal(await store().get(r.id), null);
      assert.deepEqual(await store().get(other.id), other);
    });

    t.it('destroyByUser without except removes all and a second call returns 0', async () => {
      const userId = makeUserId();
      for (let i = 0; i < 3; i++) await store().create(makeRecord({ userId }));
      assert.equal(await store().destroyByUser(userId), 3);
      assert.deepEqual(await store().listByUser(userId), []);
      assert.equal(await store().destroyByUser(userId), 0);
    });

    t.it('patch after destroyByUser returns missing', async () => {
      const record = makeRecord();
      await store().create(record);
      await store().destroyByUser(record.userId!);
      assert.equal(await store().patch(record.id, { set: { cart: makeSealedValue() } }), 'missing');
      assert.equal(await store().get(record.id), null);
    });

    // --- revokeAll epoch ------------------------------------------------------------------------

    t.it('revokeAll makes every existing record absent for get, patch, list, export and count', async () => {
      const userId = makeUserId();
      const old = [makeRecord({ userId }), makeRecord({ userId }), makeRecord({ userId: null, authenticatedAt: null })];
      for (const r of old) await store().create(r);
      await store().revokeAll();
      for (const r of old) {
        assert.equal(await store().get(r.id), null);
        assert.equal(await store().patch(r.id, { set: { cart: makeSealedValue() } }), 'missing');
        assert.equal(await store().get(r.id), null);
      }
      assert.deepEqual(await store().listByUser(userId), []);
      assert.deepEqual(await collect(store().exportRecords()), []);
      assert.equal(await store().destroyByUser(userId), 0);
      if (store().count) assert.equal(await store().count!(), 0);
    });

    t.it('records created after revokeAll are live', async () => {
      const userId = makeUserId();
      await store().create(makeRecord({ userId }));
      await store().revokeAll();
      const fresh = makeRecord({ userId });
      assert.equal(await store().create(fresh), true);
      assert.deepEqual(await store().get(fresh.id), fresh);
      assert.equal(await store().patch(fresh.id, { set: { theme: 'x' } }), 'ok');
      assert.deepEqual(ids(await store().listByUser(userId)), [fresh.id]);
      assert.deepEqual(ids(await collect(store().exportRecords())), [fresh.id]);
      if (store().count) assert.equal(await store().count!(), 1);
    });

    t.it('a revoked id can be created again', async () => {
      const old = makeRecord();
      await store().create(old);
      await store().revokeAll();
      const again = makeRecord({ id: old.id, userId: old.userId });
      assert.equal(await store().create(again), true);
      assert.deepEqual(await store().get(old.id), again);
      assert.deepEqual(ids(await store().listByUser(old.userId!)), [old.id]);
    });

    t.it('revokeAll twice revokes records made between the two calls', async () => {
      const first = makeRecord();
      await store().create(first);
      await store().revokeAll();
      const second = makeRecord();
      await store().create(second);
      await store().revokeAll();
      assert.equal(await store().get(first.id), null);
      assert.equal(await store().get(second.id), null);
      const third = makeRecord();
      await store().create(third);
      assert.deepEqual(await store().get(third.id), third);
    });

    t.it('records imported after revokeAll are live', async () => {
      const record = makeRecord();
      await store().create(record);
      await store().revokeAll();
      assert.equal(await store().importRecords([record]), 1);
      assert.deepEqual(await store().get(record.id), record);
      assert.deepEqual(ids(await store().listByUser(record.userId!)), [record.id]);
    });

    // --- purgeExpired ---------------------------------------------------------------------------

    t.it('purgeExpired deletes records with expiresAt <= now and keeps the rest', async () => {
      const now = Date.now();
      const atNow = makeRecord({ expiresAt: now });
      const before = makeRecord({ expiresAt: now - HOUR });
      const after = makeRecord({ expiresAt: now + 1 });
      for (const r of [atNow, before, after]) await store().create(r);
      assert.equal(await store().purgeExpired(now), 2);
      assert.equal(await store().get(atNow.id), null);
      assert.equal(await store().get(before.id), null);
      assert.deepEqual(await store().get(after.id), after);
      assert.deepEqual(await store().listByUser(atNow.userId!), []);
      assert.equal(await store().purgeExpired(now), 0);
    });

    t.it('purgeExpired deletes at most limit records per call', async () => {
      const now = Date.now();
      const expired = Array.from({ length: 25 }, (_, i) => makeRecord({ expiresAt: now - i - 1 }));
      const live = makeRecord({ expiresAt: now + HOUR });
      await store().importRecords([...expired, live]);
      const batches: number[] = [];
      for (let n = -1; n !== 0; ) batches.push((n = await store().purgeExpired(now, 10)));
      assert.deepEqual(batches, [10, 10, 5, 0]);
      for (const r of expired) assert.equal(await store().get(r.id), null);
      assert.deepEqual(await store().get(live.id), live);
    });

    t.it('purgeExpired honours expiresAt moved by patch', async () => {
      const now = Date.now();
      const extended = makeRecord({ expiresAt: now - 1 });
      const shortened = makeRecord({ expiresAt: now + HOUR });
      await store().create(extended);
      await store().create(shortened);
      await store().patch(extended.id, { expiresAt: now + HOUR });
      await store().patch(shortened.id, { expiresAt: now - 1 });
      assert.equal(await store().purgeExpired(now), 1);
      assert.notEqual(await store().get(extended.id), null);
      assert.equal(await store().get(shortened.id), null);
    });

    // --- export / import ------------------------------------------------------------------------

    t.it('exportRecords yields every live record exactly as stored', async () => {
      const records = [makeRecord(), makeRecord({ userId: null, authenticatedAt: null }), makeRecord()];
      for (const r of records) await store().create(r);
      const gone = makeRecord();
      await store().create(gone);
      await store().destroy(gone.id);
      assert.deepEqual(byId(await collect(store().exportRecords())), byId(records));
    });

    t.it('export then import into another store round-trips every record', async () => {
      const userId = makeUserId();
      const records = [
        makeRecord({ userId }),
        makeRecord({ userId }),
        makeRecord({ userId: null, authenticatedAt: null }),
      ];
      for (const r of records) await store().create(r);
      const target = await another();
      assert.equal(await target.importRecords(store().exportRecords()), 3);
      assert.deepEqual(byId(await collect(target.exportRecords())), byId(records));
      assert.deepEqual(byId(await target.listByUser(userId)), byId(records.slice(0, 2)));
      for (const r of records) assert.deepEqual(await target.get(r.id), r);
    });

    t.it('importRecords replaces a record with the same id', async () => {
      const record = makeRecord();
      await store().create(record);
      const replacement = makeRecord({ id: record.id, userId: record.userId, fields: { only: makeSealedValue() } });
      assert.equal(await store().importRecords([replacement]), 1);
      assert.deepEqual(await store().get(record.id), replacement);
      assert.deepEqual(await store().listByUser(record.userId!), [replacement]);
    });

    t.it('importRecords accepts an async iterable and returns how many it wrote', async () => {
      const records = Array.from({ length: 5 }, () => makeRecord());
      async function* source() {
        yield* records;
      }
      assert.equal(await store().importRecords(source()), 5);
      for (const r of records) assert.deepEqual(await store().get(r.id), r);
      assert.equal(await store().importRecords([]), 0);
    });

    // --- optional methods -----------------------------------------------------------------------

    t.it('count returns the number of live records when implemented', async () => {
      const s = store();
      if (!s.count) return;
      assert.equal(await s.count(), 0);
      const records = [makeRecord(), makeRecord(), makeRecord()];
      for (const r of records) await s.create(r);
      assert.equal(await s.count(), 3);
      await s.destroy(records[0]!.id);
      assert.equal(await s.count(), 2);
    });

    t.it('ping resolves when implemented', async () => {
      const s = store();
      if (s.ping) await s.ping();
      assert.equal(typeof s.kind, 'string');
      assert.ok(s.kind.length > 0);
    });

    // --- concurrency ----------------------------------------------------------------------------

    t.it('100 parallel patches each setting a distinct field keep all 100', async () => {
      const record = makeRecord();
      await store().create(record);
      const values = Array.from({ length: 100 }, () => makeSealedValue());
      const results = await Promise.all(values.map((v, i) => store().patch(record.id, { set: { [`f${i}`]: v } })));
      assert.deepEqual(
        results,
        values.map(() => 'ok'),
      );
      const fields = (await store().get(record.id))?.fields ?? {};
      for (const [i, v] of values.entries()) assert.equal(fields[`f${i}`], v, `field f${i} lost`);
      assert.equal(fields.cart, record.fields.cart);
    });

    t.it('50 parallel compare-and-set increments with retry end at 50', async () => {
      const record = makeRecord();
      await store().create(record);
      const increment = async (): Promise<number> => {
        for (let attempt = 1; attempt <= 10_000; attempt++) {
          const current = (await store().get(record.id))?.fields.counter ?? null;
          const next = String(Number(current ?? '0') + 1);
          const result = await store().patch(record.id, { expect: { counter: current }, set: { counter: next } });
          if (result === 'ok') return attempt;
          assert.equal(result, 'conflict');
        }
        throw new Error('compare-and-set never succeeded');
      };
      await Promise.all(Array.from({ length: 50 }, increment));
      assert.equal((await store().get(record.id))?.fields.counter, '50');
    });

    // --- close ----------------------------------------------------------------------------------

    t.it('close resolves', async () => {
      await store().create(makeRecord());
      closed = true;
      await store().close();
    });
  });
}
