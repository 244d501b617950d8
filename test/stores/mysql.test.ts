import { createPool as createCallbackPool } from 'mysql2';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCustosError } from '../../src/errors.js';
import type { StoredSession } from '../../src/stores/contract.js';
import { type MysqlPoolLike, type MysqlStore, mysqlStore } from '../../src/stores/mysql/index.js';
import { padToPowerOfTwo, powerOfTwoRuns } from '../../src/stores/mysql/statement-shapes.js';
import { makeRecord, makeSealedValue, makeUserId } from '../../src/testing/records.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { dropTables, mysqlConnection, TEST_MYSQL_URL, testPool, uniqueTable } from '../helpers/mysql.js';

const pool = testPool({ connectionLimit: 6 });
/** A second pool stands for a second app instance sharing the database. */
const otherPool = testPool();
const prefix = uniqueTable('my');
let tableSeq = 0;
const made: string[] = [];

/** Each test gets its own tables so revokeAll/purge in one test cannot touch another. */
async function freshStore(options: { batchSize?: number } = {}): Promise<MysqlStore> {
  const table = `${prefix}_s${++tableSeq}`;
  made.push(table);
  const store = mysqlStore({ pool, table, ...options });
  await store.migrate();
  return store;
}

afterAll(async () => {
  for (const table of made) await dropTables(pool, table);
  await Promise.all([pool.end(), otherPool.end()]);
});

runStoreConformance(
  'mysql',
  async () => {
    const table = `${prefix}_c${++tableSeq}`;
    const store = mysqlStore({ pool, table });
    await store.migrate();
    return { store, cleanup: () => dropTables(pool, table) };
  },
  { describe, it, beforeEach, afterEach },
);

describe('mysql store: records', () => {
  it('refuses to create over a live id, even an expired one, and lets a revoked id be reused', async () => {
    const store = await freshStore();
    const record = makeRecord({ expiresAt: 1 });
    expect(await store.create(record)).toBe(true);
    expect(await store.create({ ...record, verifier: 'other' })).toBe(false);
    expect((await store.get(record.id))?.verifier).toBe(record.verifier);
    await store.revokeAll();
    const replacement = makeRecord({ id: record.id });
    expect(await store.create(replacement)).toBe(true);
    expect(await store.get(record.id)).toEqual(replacement);
  });

  it('compares handles byte for byte: no case folding, no trailing-space padding', async () => {
    const store = await freshStore();
    const record = makeRecord({ id: 'AbC', userId: 'Alice' });
    await store.create(record);
    expect(await store.get('abc')).toBeNull();
    expect(await store.get('AbC ')).toBeNull();
    expect(await store.create(makeRecord({ id: 'abc' }))).toBe(true);
    expect(await store.create(makeRecord({ id: 'AbC ' }))).toBe(true);
    expect(await store.listByUser('alice')).toEqual([]);
    expect(await store.listByUser('Alice')).toEqual([record]);
  });

  it('keeps a 512-character user id of 3-byte characters, and refuses a longer one as bad input, not an outage', async () => {
    const store = await freshStore();
    const longest = makeRecord({ userId: '€'.repeat(512) });
    expect(await store.create(longest)).toBe(true);
    expect(await store.listByUser(longest.userId!)).toEqual([longest]);
    for (const bad of [
      makeRecord({ userId: 'u'.repeat(513) }),
      makeRecord({ id: 'i'.repeat(129) }),
      makeRecord({ userId: 'lone \ud800 surrogate' }),
    ]) {
      const failure = await store.create(bad).catch((e: unknown) => e);
      expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
      expect((failure as Error).message).not.toContain(bad.id);
    }
    expect(await store.count()).toBe(1);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('a duplicate-key failure never carries the handle in an error', async () => {
    const store = await freshStore();
    const record = makeRecord();
    await store.create(record);
    const failure = await store.importRecords([record, { ...record, fields: { x: 1 } } as never]).catch((e) => e);
    expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
    expect(JSON.stringify(failure) + String(failure) + String(failure.cause)).not.toContain(record.id);
  });
});

describe('mysql store: users, revocation, purge', () => {
  it('lists and destroys one user’s records, keeping the excepted ids, and drops revoked ones', async () => {
    const store = await freshStore();
    const user = makeUserId();
    const revoked = makeRecord({ userId: user });
    await store.create(revoked);
    await store.revokeAll();
    const mine = [makeRecord({ userId: user }), makeRecord({ userId: user }), makeRecord({ userId: user })];
    const other = makeRecord();
    for (const r of [...mine, other]) await store.create(r);
    expect(await store.destroyByUser(user, [mine[0]!.id])).toBe(2);
    expect((await store.listByUser(user)).map((r) => r.id)).toEqual([mine[0]!.id]);
    const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${prefix}_s${tableSeq}\` WHERE user_id = ?`, [user]);
    expect((rows as { n: number }[])[0]!.n).toBe(1);
    expect(await store.get(other.id)).toEqual(other);
  });

  it('purges expired and revoked records in batches of at most `limit`', async () => {
    const store = await freshStore();
    const now = Date.now();
    const expired = Array.from({ length: 5 }, () => makeRecord({ expiresAt: now - 1 }));
    const dueNow = makeRecord({ expiresAt: now });
    const live = makeRecord({ expiresAt: now + 60_000 });
    for (const r of [...expired, dueNow, live]) await store.create(r);
    expect(await store.purgeExpired(now, 4)).toBe(4);
    expect(await store.purgeExpired(now, 4)).toBe(2);
    expect(await store.purgeExpired(now, 4)).toBe(0);
    expect(await store.get(live.id)).toEqual(live);
    await store.revokeAll();
    const fresh = makeRecord();
    await store.create(fresh);
    expect(await store.purgeExpired(now)).toBe(1);
    const [rows] = await pool.query(`SELECT id FROM \`${prefix}_s${tableSeq}\``);
    expect((rows as { id: Buffer }[]).map((r) => r.id.toString())).toEqual([fresh.id]);
    await expect(store.purgeExpired(now, 0)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('revokeAll is one statement on the epoch row, whatever the table size', async () => {
    const store = await freshStore();
    await store.importRecords(Array.from({ length: 200 }, () => makeRecord()));
    const [before] = await pool.query(`SELECT epoch FROM \`${prefix}_s${tableSeq}_epoch\``);
    await store.revokeAll();
    const [after] = await pool.query(`SELECT epoch FROM \`${prefix}_s${tableSeq}_epoch\``);
    expect(Number((after as { epoch: number }[])[0]!.epoch)).toBe(
      Number((before as { epoch: number }[])[0]!.epoch) + 1,
    );
    const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${prefix}_s${tableSeq}\``);
    expect((rows as { n: number }[])[0]!.n).toBe(200);
    expect(await store.count()).toBe(0);
  });
});

describe('mysql store: export and import', () => {
  it('exports every live record across pages and imports them into another table', async () => {
    const source = await freshStore({ batchSize: 7 });
    const records = Array.from({ length: 23 }, () => makeRecord());
    expect(await source.importRecords(records)).toBe(23);
    const exported: StoredSession[] = [];
    for await (const r of source.exportRecords()) exported.push(r);
    expect(new Map(exported.map((r) => [r.id, r]))).toEqual(new Map(records.map((r) => [r.id, r])));
    const target = await freshStore({ batchSize: 5 });
    await target.create(makeRecord({ id: records[0]!.id, verifier: 'stale' }));
    await target.revokeAll();
    expect(await target.importRecords(source.exportRecords())).toBe(23);
    expect(await target.count()).toBe(23);
    for (const r of records) expect(await target.get(r.id)).toEqual(r);
  });

  it('imports nothing when one record is invalid', async () => {
    const store = await freshStore({ batchSize: 2 });
    const good = [makeRecord(), makeRecord(), makeRecord()];
    const bad = { ...makeRecord(), fields: { x: 1 } } as unknown as StoredSession;
    const failure = await store.importRecords([...good, bad]).catch((e: unknown) => e);
    expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
    expect(await store.count()).toBe(0);
  });
});

describe('mysql store: migrations and options', () => {
  it('migrates idempotently and from two pools at once', async () => {
    const table = uniqueTable('mig');
    made.push(table);
    const a = mysqlStore({ pool, table });
    const b = mysqlStore({ pool: otherPool, table });
    const applied = await Promise.all([a.migrate(), b.migrate(), a.ensureSchema()]);
    expect(applied.flat()).toEqual([1, 2]);
    expect(await b.migrate()).toEqual([]);
    const record = makeRecord();
    expect(await a.create(record)).toBe(true);
    expect(await b.get(record.id)).toEqual(record);
  });

  it('works through a callback pool (mysql2 createPool) as through a promise pool', async () => {
    const table = uniqueTable('cb');
    made.push(table);
    const callbackPool = createCallbackPool({ ...mysqlConnection(TEST_MYSQL_URL), connectionLimit: 2 });
    try {
      const store = mysqlStore({ pool: callbackPool, table });
      expect(await store.migrate()).toEqual([1, 2]);
      const record = makeRecord();
      expect(await store.create(record)).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.patch(record.id, { set: { a: 'b' }, expect: { a: null } })).toBe('ok');
      expect(await mysqlStore({ pool, table }).get(record.id)).toEqual({
        ...record,
        fields: { ...record.fields, a: 'b' },
      });
    } finally {
      await new Promise((resolve) => callbackPool.end(resolve));
    }
  });

  it('rejects table names that are not plain identifiers, a missing pool and a bad batch size', () => {
    for (const bad of ['Sessions', 'a`b', 'a;drop', '', '1abc', 'x'.repeat(49)]) {
      expect(() => mysqlStore({ pool, table: bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => mysqlStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => mysqlStore({ pool, batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('mysql store: concurrency across two app instances', () => {
  it('50 compare-and-set increments with retry from two instances end at exactly 50', async () => {
    const table = `${prefix}_s${++tableSeq}`;
    made.push(table);
    const a = mysqlStore({ pool, table });
    const b = mysqlStore({ pool: otherPool, table });
    await Promise.all([a.migrate(), b.migrate()]);
    const record = makeRecord({ fields: {} });
    await a.create(record);
    let conflicts = 0;
    const increment = async (store: MysqlStore) => {
      for (;;) {
        const current = (await store.get(record.id))?.fields.n ?? null;
        const result = await store.patch(record.id, {
          expect: { n: current },
          set: { n: String(Number(current ?? '0') + 1) },
        });
        if (result === 'ok') return;
        expect(result).toBe('conflict');
        conflicts++;
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => increment(i % 2 ? a : b)));
    expect((await a.get(record.id))?.fields.n).toBe('50');
    expect(conflicts).toBeGreaterThan(0);
  });

  it('two instances purging 3,000 expired rows at once delete each row exactly once', async () => {
    const table = `${prefix}_s${++tableSeq}`;
    made.push(table);
    const a = mysqlStore({ pool, table });
    const b = mysqlStore({ pool: otherPool, table });
    await a.migrate();
    const now = Date.now();
    const live = makeRecord();
    await a.importRecords([
      ...Array.from({ length: 3_000 }, () => makeRecord({ expiresAt: now - 1_000, fields: {} })),
      live,
    ]);
    const drain = async (store: MysqlStore) => {
      let total = 0;
      for (let n = await store.purgeExpired(now, 250); n > 0; n = await store.purgeExpired(now, 250)) total += n;
      return total;
    };
    const [byA, byB] = await Promise.all([drain(a), drain(b)]);
    expect(byA + byB).toBe(3_000);
    expect(await a.count()).toBe(1);
  });
});

describe('mysql store: what reaches the database', () => {
  it('a raw dump of the table holds exactly the sealed strings given and no other data', async () => {
    const store = await freshStore();
    const sealed = [makeSealedValue(), makeSealedValue(), makeSealedValue()];
    const record = makeRecord({ fields: { $csrf: sealed[0]!, cart: sealed[1]! } });
    await store.create(record);
    await store.patch(record.id, { set: { prefs: sealed[2]! }, lastSeenAt: record.lastSeenAt + 1 });
    const [rows] = await pool.query(`SELECT * FROM \`${prefix}_s${tableSeq}\``);
    const row = (rows as Record<string, unknown>[])[0]!;
    expect(Object.keys(row).sort()).toEqual(
      'absolute_expires_at authenticated_at created_at epoch expires_at fields id last_seen_at user_id verifier'.split(
        ' ',
      ),
    );
    expect(JSON.parse(String(row.fields))).toEqual({ $csrf: sealed[0], cart: sealed[1], prefs: sealed[2] });
    expect([row.id, row.verifier, row.user_id].map(String)).toEqual([record.id, record.verifier, record.userId]);
  });
});

describe('mysql store: bounded statement shapes', () => {
  it('splits into power-of-two runs and pads IN lists, so a connection prepares log2(n) shapes, not n', () => {
    expect(powerOfTwoRuns(Array.from({ length: 13 }, (_, i) => i)).map((r) => r.length)).toEqual([8, 4, 1]);
    expect(powerOfTwoRuns([])).toEqual([]);
    expect(padToPowerOfTwo(['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    expect(padToPowerOfTwo(['a'])).toEqual(['a']);
    expect(padToPowerOfTwo([])).toEqual([]);
  });

  it('importing 1..40 records and destroying with 1..9 exceptions prepares only a handful of statements', async () => {
    const store = await freshStore({ batchSize: 16 });
    const single = testPool({ connectionLimit: 1 });
    const counted = mysqlStore({ pool: single, table: `${prefix}_s${tableSeq}`, batchSize: 16 });
    try {
      const user = makeUserId();
      for (let n = 1; n <= 40; n++)
        await counted.importRecords(Array.from({ length: n }, () => makeRecord({ userId: user })));
      for (let n = 1; n <= 9; n++) {
        const mine = (await counted.listByUser(user)).slice(0, n).map((r) => r.id);
        await counted.destroyByUser(user, mine);
        await counted.importRecords(Array.from({ length: 10 }, () => makeRecord({ userId: user })));
      }
      const [rows] = await single.query("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'");
      const prepared = Number((rows as { Value: string }[])[0]!.Value);
      // 5 import shapes (16, 8, 4, 2, 1), 4 destroy shapes (1, 2, 4, 8 exceptions) and a few fixed
      // statements; one shape per size would be 16 + 9 + those.
      expect(prepared).toBeLessThan(20);
      expect(await store.count()).toBe(await counted.count());
    } finally {
      await single.end();
    }
  });
});

/** The real pool, except that the next `n` statements matching `pattern` fail as InnoDB deadlock victims. */
function deadlockingPool(pattern: RegExp) {
  let pending = 0;
  let injected = 0;
  const victim = (sql: string) => {
    if (pending === 0 || !pattern.test(sql)) return null;
    pending--;
    injected++;
    return Promise.reject(
      Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
        code: 'ER_LOCK_DEADLOCK',
        errno: 1213,
        sql,
      }),
    );
  };
  const wrapped: MysqlPoolLike = {
    execute: (sql, values) => victim(sql) ?? pool.execute(sql, values),
    query: (sql, values) => pool.query(sql, values),
    getConnection: async () => {
      const connection = await pool.getConnection();
      return {
        execute: (sql, values) => victim(sql) ?? connection.execute(sql, values),
        query: (sql, values) => connection.query(sql, values),
        release: () => connection.release(),
        destroy: () => connection.destroy(),
      };
    },
  };
  return {
    pool: wrapped,
    failNext: (n: number) => {
      pending = n;
    },
    injected: () => injected,
  };
}

describe('mysql store: deadlock victims', () => {
  it('re-runs a statement or a patch transaction InnoDB rolled back as a deadlock victim', async () => {
    const table = `${prefix}_s${++tableSeq}`;
    made.push(table);
    const deletes = deadlockingPool(/^DELETE|FOR UPDATE$/);
    const store = mysqlStore({ pool: deletes.pool, table });
    await store.migrate();
    const user = makeUserId();
    const [a, b] = [makeRecord({ userId: user }), makeRecord({ userId: user })];
    await store.create(a);
    await store.create(b);

    deletes.failNext(2);
    expect(await store.patch(a.id, { set: { n: '1' }, expect: { n: null } })).toBe('ok');
    expect(deletes.injected()).toBe(2);
    expect((await store.get(a.id))?.fields.n).toBe('1');

    deletes.failNext(2);
    await store.destroy(b.id);
    expect(await store.get(b.id)).toBeNull();

    // A third deadlock in a row reaches the caller, as a store error without the statement.
    deletes.failNext(3);
    const failure = await store.destroyByUser(user).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'MysqlStoreError', message: 'mysql store: ER_LOCK_DEADLOCK' });
    expect(failure).not.toHaveProperty('sql');
    expect(await store.destroyByUser(user)).toBe(1);
  });
});

describe('mysql store: statements per operation', () => {
  it('get, create and a timestamps-only patch (the renewal) each cost one statement, with or without FOUND_ROWS', async () => {
    for (const flags of ['', '-FOUND_ROWS']) {
      const table = `${prefix}_s${++tableSeq}`;
      made.push(table);
      const raw = testPool({ connectionLimit: 2, flags: flags ? [flags] : [] });
      const statements: string[] = [];
      const counting: MysqlPoolLike = {
        execute: (sql, values) => {
          statements.push(sql);
          return raw.execute(sql, values);
        },
        query: (sql, values) => raw.query(sql, values),
        // Statements inside a transaction count too (START TRANSACTION and COMMIT included).
        getConnection: async () => {
          const connection = await raw.getConnection();
          return {
            execute: (sql, values) => {
              statements.push(sql);
              return connection.execute(sql, values);
            },
            query: (sql, values) => {
              statements.push(sql);
              return connection.query(sql, values);
            },
            release: () => connection.release(),
            destroy: () => connection.destroy(),
          };
        },
      };
      const store = mysqlStore({ pool: counting, table });
      await store.migrate();
      const cost = async (work: () => Promise<unknown>) => {
        const before = statements.length;
        await work();
        return statements.length - before;
      };
      try {
        const record = makeRecord();
        expect(await cost(() => store.create(record))).toBe(1);
        expect(await cost(() => store.get(record.id))).toBe(1);
        const touch = { set: {}, unset: [], lastSeenAt: record.lastSeenAt + 5, expiresAt: record.expiresAt + 5 };
        expect(await cost(async () => expect(await store.patch(record.id, touch)).toBe('ok'))).toBe(1);
        const got = await store.get(record.id);
        expect([got?.lastSeenAt, got?.expiresAt, got?.fields]).toEqual([
          touch.lastSeenAt,
          touch.expiresAt,
          record.fields,
        ]);
        // The same timestamps again: nothing changes, and it is still 'ok', not 'missing'.
        expect(await store.patch(record.id, touch), flags).toBe('ok');
        expect(await store.patch('unknown', touch)).toBe('missing');
        await store.revokeAll();
        expect(await store.patch(record.id, touch)).toBe('missing');
        expect(await store.patch(record.id, {})).toBe('missing');
      } finally {
        await raw.end();
      }
    }
  });
});
