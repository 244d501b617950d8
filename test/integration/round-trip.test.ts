import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupStore, exportSessions, importSessions, restoreStore } from '../../src/backup/index.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { redisStore } from '../../src/stores/redis/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';
import { type Instance, makeManager, sessionCookieFrom, startInstance } from './support/app.js';
import { dropKeys, openRedis, uniquePrefix } from './support/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-it-round-trip-'));
const prefix = uniquePrefix('round-trip');
const schema = uniqueSchema('it_round_trip');
const pool = testPool({ max: 2 });
let redis: Awaited<ReturnType<typeof openRedis>>;

beforeAll(async () => {
  redis = await openRedis();
});

afterAll(async () => {
  await dropKeys(redis.client, prefix);
  await redis.client.quit();
  await dropSchema(pool, schema);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Every manager reads the same clock. Sessions logged in while it runs two hours behind are idle-
 * expired (30 min) by real time: they must not survive a move, or must be rejected after it.
 */
let clockOffset = 0;
const clock = () => Date.now() + clockOffset;
const appOn = (store: SessionStore) => startInstance(makeManager(store, { clock }));

interface Visitor {
  readonly user: string | null;
  readonly cookie: string;
  readonly data: Record<string, unknown>;
}

async function everyoneStillThere(app: Instance, live: readonly Visitor[], stale: readonly Visitor[]) {
  for (const visitor of live) {
    const me = await app.get('/me', visitor.cookie);
    expect(me.status).toBe(200);
    expect(me.body.user).toBe(visitor.user);
    expect(me.body.data).toEqual(visitor.data);
  }
  for (const visitor of stale) {
    const me = await app.get('/me', visitor.cookie);
    expect(me.status).toBe(200);
    expect(me.body.user).toBeNull();
    expect(me.body.data).toEqual({});
  }
}

describe('store migration round trip: SQLite → Redis → PostgreSQL → SQLite', () => {
  it('every live session keeps working by its original cookie with its data; expired ones are not carried', async () => {
    const source = sqliteStore({ path: join(dir, 'source.db') });
    const redisTarget = redisStore({ client: redis.client, prefix });
    const pgTarget = postgresStore({ pool, schema });
    await pgTarget.migrate();
    const finalTarget = sqliteStore({ path: join(dir, 'final.db') });

    // Sessions made through the core on SQLite: logged-in users with data, one anonymous visitor.
    const first = await appOn(source);
    const live: Visitor[] = [];
    for (const [i, user] of ['alice', 'bob', 'carol', 'dave'].entries()) {
      const { cookie } = await first.login(user);
      await first.post('/set/cart', cookie, { value: `cart of ${user}` });
      for (let k = 0; k <= i; k++) await first.post('/inc', cookie);
      live.push({ user, cookie, data: { cart: `cart of ${user}`, n: i + 1 } });
    }
    const anonymous = await first.post('/set/lang', undefined, { value: 'fr' });
    live.push({ user: null, cookie: sessionCookieFrom(anonymous.headers)!, data: { lang: 'fr' } });
    clockOffset = -2 * 3_600_000;
    const stale: Visitor[] = [];
    for (const user of ['erin', 'frank']) {
      const { cookie } = await first.login(user);
      await first.post('/set/cart', cookie, { value: 'old' });
      stale.push({ user, cookie, data: { cart: 'old' } });
    }
    clockOffset = 0;
    await first.close();
    expect(await source.count()).toBe(live.length + stale.length);

    // Hop 1: SQLite → Redis.
    let skipped = 0;
    expect(await importSessions(redisTarget, exportSessions(source, { onSkipped: () => skipped++ }))).toBe(live.length);
    expect(skipped).toBe(stale.length);
    await source.close();
    const onRedis = await appOn(redisTarget);
    await everyoneStillThere(onRedis, live, stale);
    await onRedis.close();

    // Hop 2: Redis → PostgreSQL.
    expect(await importSessions(pgTarget, exportSessions(redisTarget))).toBe(live.length);
    const onPostgres = await appOn(pgTarget);
    await everyoneStillThere(onPostgres, live, stale);
    await onPostgres.close();

    // Hop 3: PostgreSQL → SQLite, through a verified backup file this time.
    const file = join(dir, 'sessions.backup');
    expect((await backupStore(pgTarget, file)).written).toBe(live.length);
    expect((await restoreStore(finalTarget, file)).written).toBe(live.length);
    const onSqlite = await appOn(finalTarget);
    await everyoneStillThere(onSqlite, live, stale);
    await onSqlite.close();
    expect(await finalTarget.count()).toBe(live.length);
    await finalTarget.close();
  });
});
