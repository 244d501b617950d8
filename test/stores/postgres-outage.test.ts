import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSession } from '../../src/stores/contract.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { makeRecord } from '../../src/testing/records.js';
import { freePort } from '../helpers/ports.js';
import { dropSchema, terminateBackends, testPool, uniqueSchema } from '../helpers/postgres.js';
import { silentServer } from '../helpers/silent-server.js';
import { waitFor } from '../helpers/wait.js';

const admin = testPool({ max: 2 });
const schema = uniqueSchema('outage');

beforeAll(async () => {
  await postgresStore({ pool: admin, schema }).migrate();
});

afterAll(async () => {
  await dropSchema(admin, schema);
  await admin.end();
});

describe('postgres store: unreachable server', () => {
  it('rejects when nothing listens on the port', async () => {
    const pool = testPool({
      port: await freePort() /* nothing listens there */,
      host: '127.0.0.1',
      connectionTimeoutMillis: 1_000,
    });
    const store = postgresStore({ pool, schema });
    try {
      await expect(store.get('any')).rejects.toThrow();
      await expect(store.migrate()).rejects.toThrow();
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('rejects through connectionTimeoutMillis when the server accepts but never answers', async () => {
    const silent = await silentServer();
    const { port, sockets } = silent;
    const pool = testPool({ host: '127.0.0.1', port, connectionTimeoutMillis: 300 });
    const store = postgresStore({ pool, schema });
    try {
      await expect(store.get('any')).rejects.toThrow(/timeout/i);
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      await store.close();
      await pool.end();
      await silent.close();
    }
  });
});

describe('postgres store: backends terminated mid-use', () => {
  it('keeps one pool error listener while open and removes it on close', async () => {
    const pool = testPool();
    const before = pool.listenerCount('error');
    const a = postgresStore({ pool, schema });
    const b = postgresStore({ pool, schema });
    expect(pool.listenerCount('error')).toBe(before + 1);
    await a.close();
    expect(pool.listenerCount('error')).toBe(before + 1);
    await b.close();
    expect(pool.listenerCount('error')).toBe(before);
    const own = postgresStore({ pool, schema, onPoolError: false });
    expect(pool.listenerCount('error')).toBe(before);
    await own.close();
    await pool.end();
  });

  it('survives its idle connections being killed and works again without a new store', async () => {
    const applicationName = `custos-outage-${randomBytes(4).toString('hex')}`;
    const pool = testPool({ application_name: applicationName, max: 3 });
    const poolErrors: Error[] = [];
    const store = postgresStore({ pool, schema, onPoolError: (error) => poolErrors.push(error) });
    try {
      const record = makeRecord();
      expect(await store.create(record)).toBe(true);
      // Open all three connections, then leave them idle in the pool.
      await Promise.all([store.get(record.id), store.get(record.id), store.get(record.id)]);
      expect(pool.idleCount).toBeGreaterThan(0);

      expect((await terminateBackends(admin, applicationName)).size).toBeGreaterThan(0);
      // pg reports each dead idle client as a pool 'error' event; without a listener Node would crash.
      await waitFor('the pool to notice', () => poolErrors.length > 0);

      // The next calls may fail (a dead client handed out in the gap) but must settle, not hang.
      const during = await Promise.allSettled(Array.from({ length: 6 }, () => store.get(record.id)));
      for (const outcome of during) {
        if (outcome.status === 'fulfilled') expect(outcome.value).toEqual(record);
      }

      // Then the same store serves again on fresh connections.
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.patch(record.id, { set: { after: 'outage' } })).toBe('ok');
      expect((await store.get(record.id))?.fields.after).toBe('outage');
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('fails an import whose connection dies mid-transaction, writes nothing, and recovers', async () => {
    const applicationName = `custos-outage-${randomBytes(4).toString('hex')}`;
    const pool = testPool({ application_name: applicationName, max: 2 });
    const table = 'import_outage';
    const store = postgresStore({ pool, schema, table, batchSize: 1 });
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
      const importing = store.importRecords(slowRecords());
      const settled = importing.then(
        () => 'resolved',
        () => 'rejected',
      );
      await pausedAfterFirstBatch;
      expect((await terminateBackends(admin, applicationName)).size).toBeGreaterThan(0);
      // The checked-out client is idle between statements here: its 'error' event must be handled.
      await waitFor('the pool to notice', async () => {
        const { rows } = await admin.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        return rows[0].n === 0;
      });
      await new Promise((r) => setTimeout(r, 50));
      resume();
      expect(await settled).toBe('rejected');

      expect(await store.count()).toBe(0);
      const record = makeRecord();
      expect(await store.importRecords([record])).toBe(1);
      expect(await store.get(record.id)).toEqual(record);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
