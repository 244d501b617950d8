import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCustosError } from '../../src/errors.js';
import type { StoredSession } from '../../src/stores/contract.js';
import { type MysqlStore, mysqlStore } from '../../src/stores/mysql/index.js';
import { makeRecord, makeSealedValue } from '../../src/testing/records.js';
import { dropTables, testPool, uniqueTable } from '../helpers/mysql.js';
import { freePort } from '../helpers/ports.js';
import { silentServer } from '../helpers/silent-server.js';
import { waitFor } from '../helpers/wait.js';

/** Generous: the point is "rejects instead of hanging", not a speed claim. */
const HANG_LIMIT_MS = 8_000;

const admin = testPool({ connectionLimit: 2 });
const table = uniqueTable('outage');

beforeAll(async () => {
  await mysqlStore({ pool: admin, table }).migrate();
});

afterAll(async () => {
  await dropTables(admin, table);
  await admin.end();
});

async function settle(work: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('store call hung')), HANG_LIMIT_MS);
  });
  try {
    return await Promise.race([work.then(() => 'resolved'), hang]);
  } catch (error) {
    return error;
  } finally {
    clearTimeout(timer);
  }
}

/** Every store operation, each of which must reject with STORE_UNAVAILABLE while the server is away. */
function everyCall(store: MysqlStore, record: StoredSession): Array<[string, () => Promise<unknown>]> {
  return [
    ['get', () => store.get(record.id)],
    ['create', () => store.create(makeRecord())],
    ['patch', () => store.patch(record.id, { set: { cart: makeSealedValue() } })],
    ['destroy', () => store.destroy(record.id)],
    ['listByUser', () => store.listByUser(record.userId!)],
    ['destroyByUser', () => store.destroyByUser(record.userId!)],
    ['revokeAll', () => store.revokeAll()],
    ['purgeExpired', () => store.purgeExpired(Date.now())],
    ['exportRecords', async () => store.exportRecords()[Symbol.asyncIterator]().next()],
    ['importRecords', () => store.importRecords([makeRecord()])],
    ['ping', () => store.ping()],
    ['count', () => store.count()],
    ['migrate', () => store.migrate()],
  ];
}

async function expectUnavailable(store: MysqlStore, record: StoredSession): Promise<void> {
  for (const [name, call] of everyCall(store, record)) {
    const outcome = await settle(call());
    expect(isCustosError(outcome, 'STORE_UNAVAILABLE'), `${name}: ${String(outcome)}`).toBe(true);
    // No statement, no value, no handle travels on from the driver's error.
    expect(outcome, name).not.toHaveProperty('sql');
    expect(String((outcome as Error).message), name).not.toContain(record.id);
  }
}

describe('mysql store: unreachable server', () => {
  it('rejects every call with STORE_UNAVAILABLE when nothing listens on the port', async () => {
    const pool = testPool({ host: '127.0.0.1', port: await freePort(), connectTimeout: 1_000 });
    const store = mysqlStore({ pool, table });
    try {
      await expectUnavailable(store, makeRecord());
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('rejects through connectTimeout when the server accepts but never answers', async () => {
    const silent = await silentServer();
    const { port, sockets } = silent;
    const pool = testPool({ host: '127.0.0.1', port, connectTimeout: 300 });
    const store = mysqlStore({ pool, table });
    try {
      const outcome = await settle(store.get('any'));
      expect(isCustosError(outcome, 'STORE_UNAVAILABLE'), String(outcome)).toBe(true);
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      await store.close();
      await pool.end();
      await silent.close();
    }
  });

  it('a refused value is INVALID_RECORD, not an outage, and the store keeps serving', async () => {
    const store = mysqlStore({ pool: admin, table });
    const failure = await store.create(makeRecord({ userId: 'x'.repeat(600) })).catch((e: unknown) => e);
    expect(isCustosError(failure, 'INVALID_RECORD')).toBe(true);
    expect(isCustosError(failure, 'STORE_UNAVAILABLE')).toBe(false);
    // A shape the contract allows but the column does not (BIGINT): refused by the server itself.
    const outOfRange = await store.create(makeRecord({ createdAt: 1e300 })).catch((e: unknown) => e);
    expect(isCustosError(outOfRange, 'INVALID_RECORD'), String(outOfRange)).toBe(true);
    expect(outOfRange).not.toHaveProperty('sql');
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

/** The server-side ids of the connections a pool has opened, to kill them as an operator would. */
function trackConnections(pool: Pool): Set<number> {
  const ids = new Set<number>();
  pool.pool.on('connection', (connection: { threadId: number }) => ids.add(connection.threadId));
  return ids;
}

async function killAll(ids: Set<number>): Promise<number> {
  let killed = 0;
  for (const id of ids) {
    await admin.query(`KILL CONNECTION ${Number(id)}`).then(
      () => killed++,
      () => undefined, // already gone
    );
  }
  ids.clear();
  return killed;
}

async function liveThreads(ids: Iterable<number>): Promise<number> {
  const list = [...ids];
  if (list.length === 0) return 0;
  const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE id IN (?)', [list]);
  return Number((rows as { n: number }[])[0]!.n);
}

describe('mysql store: connections killed mid-use', () => {
  it('survives its idle connections being killed and works again without a new store', async () => {
    const pool = testPool({ connectionLimit: 3 });
    const ids = trackConnections(pool);
    const store = mysqlStore({ pool, table });
    try {
      const record = makeRecord();
      expect(await store.create(record)).toBe(true);
      await Promise.all([store.get(record.id), store.get(record.id), store.get(record.id)]);
      const victims = new Set(ids);
      expect(await killAll(ids)).toBeGreaterThan(0);
      await waitFor('the connections to die', async () => (await liveThreads(victims)) === 0);

      // Calls in the gap may fail (a dead connection handed out) but must settle as an outage, not hang.
      const during = await Promise.all(Array.from({ length: 6 }, () => settle(store.get(record.id))));
      for (const outcome of during) {
        if (outcome !== 'resolved') expect(isCustosError(outcome, 'STORE_UNAVAILABLE'), String(outcome)).toBe(true);
      }
      // Then the same store serves again on fresh connections.
      await waitFor('the store to serve again', async () => (await store.get(record.id)) !== null);
      expect(await store.patch(record.id, { set: { after: 'outage' } })).toBe('ok');
      expect((await store.get(record.id))?.fields.after).toBe('outage');
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('fails an import whose connection dies mid-transaction, writes nothing, and recovers', async () => {
    const pool = testPool({ connectionLimit: 2 });
    const ids = trackConnections(pool);
    const importTable = uniqueTable('outimp');
    const store = mysqlStore({ pool, table: importTable, batchSize: 1 });
    await store.migrate();
    let paused!: () => void;
    const pausedAfterFirstBatch = new Promise<void>((r) => (paused = r));
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    async function* slowRecords(): AsyncGenerator<StoredSession> {
      yield makeRecord();
      // batchSize 1: the first record has been written inside the open transaction by now.
      paused();
      await gate;
      yield makeRecord();
    }
    try {
      const settled = settle(store.importRecords(slowRecords()));
      await pausedAfterFirstBatch;
      const victims = new Set(ids);
      expect(await killAll(ids)).toBeGreaterThan(0);
      await waitFor('the connections to die', async () => (await liveThreads(victims)) === 0);
      resume();
      const outcome = await settled;
      expect(isCustosError(outcome, 'STORE_UNAVAILABLE'), String(outcome)).toBe(true);

      expect(await store.count()).toBe(0);
      const record = makeRecord();
      expect(await store.importRecords([record])).toBe(1);
      expect(await store.get(record.id)).toEqual(record);
    } finally {
      await store.close();
      await dropTables(admin, importTable);
      await pool.end();
    }
  });
});
