import { describe, expect, it } from 'vitest';
import { type MysqlPoolLike, type MysqlStore, mysqlStore } from '../../src/stores/mysql/index.js';
import { makeRecord, makeUserId } from '../../src/testing/records.js';
import { nextTable, otherPool, pool } from './mysql-fixture.js';

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

describe('mysql store: concurrency across two app instances', () => {
  it('50 compare-and-set increments with retry from two instances end at exactly 50', async () => {
    const table = nextTable();
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
    const table = nextTable();
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

describe('mysql store: deadlock victims', () => {
  it('re-runs a statement or a patch transaction InnoDB rolled back as a deadlock victim', async () => {
    const table = nextTable();
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
