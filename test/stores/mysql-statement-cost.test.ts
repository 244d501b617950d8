import { describe, expect, it } from 'vitest';
import { type MysqlPoolLike, mysqlStore } from '../../src/stores/mysql/index.js';
import { padToPowerOfTwo, powerOfTwoRuns } from '../../src/stores/mysql/statement-shapes.js';
import { makeRecord, makeUserId } from '../../src/testing/records.js';
import { testPool } from '../helpers/mysql.js';
import { freshStore, nextTable, prefix, tableSeq } from './mysql-fixture.js';

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

describe('mysql store: statements per operation', () => {
  it('get, create and a timestamps-only patch (the renewal) each cost one statement, with or without FOUND_ROWS', async () => {
    for (const flags of ['', '-FOUND_ROWS']) {
      const table = nextTable();
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
