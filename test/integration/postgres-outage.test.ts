import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { freePort } from '../helpers/ports.js';
import { dropSchema, terminateBackends, testPool, uniqueSchema } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { type Instance, makeManager, setCookies, startInstance } from './support/app.js';
import { timed } from './support/timing.js';

const OUTAGE_BOUND_MS = 1_000 + 1_000; // storeTimeout '1s' + 1 s
const schema = uniqueSchema('it_outage');
const admin = testPool({ max: 2 });

beforeAll(async () => {
  await postgresStore({ pool: admin, schema }).migrate();
});

afterAll(async () => {
  await dropSchema(admin, schema);
  await admin.end();
});

describe('PostgreSQL outage through the Express adapter', () => {
  it('a pool pointed at a closed port: generic 503 in time, no cookie, the process keeps serving', async () => {
    // A session that exists in the database, made by a healthy instance.
    const healthyPool = testPool({ max: 2 });
    const healthy = await startInstance(makeManager(postgresStore({ pool: healthyPool, schema })));
    const { cookie } = await healthy.login('alice');
    expect(await healthy.whoIs(cookie)).toBe('alice');
    await healthy.close();
    await healthyPool.end();

    // An instance whose database is unreachable.
    const deadPool = testPool({
      host: '127.0.0.1',
      port: await freePort() /* nothing listens there */,
      connectionTimeoutMillis: 1_000,
    });
    const app = await startInstance(makeManager(postgresStore({ pool: deadPool, schema }), { storeTimeout: '1s' }));
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

  describe('backends terminated by the server', () => {
    const applicationName = `custos-it-${randomBytes(4).toString('hex')}`;
    const poolErrors: Error[] = [];
    const pool = testPool({ application_name: applicationName, max: 3 });
    let app: Instance;

    beforeAll(async () => {
      const store = postgresStore({ pool, schema, onPoolError: (error) => poolErrors.push(error) });
      app = await startInstance(makeManager(store, { storeTimeout: '1s' }));
    });
    afterAll(async () => {
      await app.close();
      await pool.end();
    });

    it('pg_terminate_backend of every pool connection: no hang, no crash, then the same cookie works', async () => {
      const { cookie } = await app.login('alice');
      await app.post('/set/cart', cookie, { value: 'three apples' });
      // Open every pool connection, then leave them idle.
      await Promise.all(Array.from({ length: 6 }, () => app.get('/me', cookie)));
      expect(pool.totalCount).toBeGreaterThan(0);

      const killed = await terminateBackends(admin, applicationName);
      expect(killed.size).toBeGreaterThan(0);

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
        expect(me.body.user).toBe('alice');
        expect(me.body.data).toMatchObject({ cart: 'three apples' });
      }
      const now = await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      expect(now.rows.length).toBeGreaterThan(0);
      for (const row of now.rows) expect(killed.has(row.pid)).toBe(false);
      expect((await app.post('/inc', cookie)).body.n).toBe(1);
    });
  });
});
