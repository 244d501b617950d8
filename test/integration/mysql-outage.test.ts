import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../src/stores/mysql/index.js';
import { dropTables, testPool, uniqueTable } from '../helpers/mysql.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';
import { type Instance, makeManager, setCookies, startInstance } from './support/app.js';
import { timed } from './support/timing.js';

const OUTAGE_BOUND_MS = 1_000 + 1_000; // storeTimeout '1s' + 1 s
const table = uniqueTable('it_outage');
const admin = testPool({ connectionLimit: 2 });

beforeAll(async () => {
  await mysqlStore({ pool: admin, table }).migrate();
});

afterAll(async () => {
  await dropTables(admin, table);
  await admin.end();
});

/** Server-side ids of every connection a pool opens, so the test can KILL them as an operator would. */
function trackConnections(pool: Pool): Set<number> {
  const ids = new Set<number>();
  pool.pool.on('connection', (connection: { threadId: number }) => ids.add(connection.threadId));
  return ids;
}

describe('MySQL outage through the Express adapter', () => {
  it('a pool pointed at a closed port: generic 503 in time, no cookie, the process keeps serving', async () => {
    const healthyPool = testPool({ connectionLimit: 2 });
    const healthy = await startInstance(makeManager(mysqlStore({ pool: healthyPool, table })));
    const { cookie } = await healthy.login('alice');
    expect(await healthy.whoIs(cookie)).toBe('alice');
    await healthy.close();
    await healthyPool.end();

    const deadPool = testPool({ host: '127.0.0.1', port: await freePort(), connectTimeout: 1_000 });
    const app = await startInstance(makeManager(mysqlStore({ pool: deadPool, table }), { storeTimeout: '1s' }));
    try {
      const answers = await Promise.all(
        [
          app.get('/me', cookie),
          app.post('/set/theme', cookie, { value: 'dark' }),
          app.post('/inc', cookie),
          app.post('/login/mallory'),
          app.post('/login/alice', cookie),
        ].map(timed),
      );
      for (const { res, ms } of answers) {
        expect(res.status).toBe(503);
        expect(res.text).toBe('Service unavailable');
        expect(setCookies(res.headers)).toEqual([]);
        expect(ms).toBeLessThan(OUTAGE_BOUND_MS);
      }
      expect((await app.get('/alive')).status).toBe(200);
      expect(await app.manager.isHealthy()).toBe(false);
    } finally {
      await app.close();
      await deadPool.end();
    }
  });

  describe('connections killed by the server', () => {
    const pool = testPool({ connectionLimit: 3 });
    const ids = trackConnections(pool);
    let app: Instance;

    beforeAll(async () => {
      app = await startInstance(makeManager(mysqlStore({ pool, table }), { storeTimeout: '1s' }));
    });
    afterAll(async () => {
      await app.close();
      await pool.end();
    });

    it('KILL CONNECTION of every pool connection: no hang, no crash, then the same cookie works', async () => {
      const { cookie } = await app.login('alice');
      await app.post('/set/cart', cookie, { value: 'three apples' });
      await Promise.all(Array.from({ length: 6 }, () => app.get('/me', cookie)));
      const killed = new Set(ids);
      expect(killed.size).toBeGreaterThan(0);
      for (const id of killed) await admin.query(`KILL CONNECTION ${Number(id)}`).catch(() => undefined);

      // Requests racing the disconnects may get a dead connection: a generic 503, never a 500 or a hang.
      const racing = await Promise.all(Array.from({ length: 6 }, () => timed(app.get('/me', cookie))));
      for (const { res, ms } of racing) {
        expect([200, 503]).toContain(res.status);
        if (res.status === 200) expect(res.body.user).toBe('alice');
        else expect(res.text).toBe('Service unavailable');
        expect(ms).toBeLessThan(OUTAGE_BOUND_MS);
      }

      // The same pool, store and app recover on fresh connections, with no restart.
      await waitFor('recovery', async () => (await app.get('/me', cookie)).status === 200);
      for (let i = 0; i < 5; i++) {
        const me = await app.get('/me', cookie);
        expect(me.status).toBe(200);
        expect(me.body.data).toMatchObject({ cart: 'three apples' });
      }
      expect([...ids].some((id) => !killed.has(id))).toBe(true);
      expect((await app.post('/inc', cookie)).body.n).toBe(1);
    });
  });
});
