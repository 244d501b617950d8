/**
 * The devices page of a user with many sessions: one page of `listSessionsPage` against the
 * whole `listSessions`, per store, for users with 100, 1,000 and 10,000 sessions.
 *
 * Run by hand (not a test; about a minute):
 *   npx tsx bench/devices-page.ts
 *   npx tsx bench/devices-page.ts --totals 100,10000 --stores sqlite,postgres --rounds 20
 * Options: --totals, --stores memory,sqlite,redis,postgres,mysql, --rounds (timed calls per
 * measurement, median reported), --limit (page size, default 50). The Markdown goes to stdout.
 *
 * Each measurement fills a fresh store (own schema, table, prefix or file) with `total` records
 * of one user plus 1,000 of other users through `importRecords`, then times the first page, a
 * page from the middle (its cursor taken from a walk) and the full list. The SQL tables are
 * ANALYZEd after the fill: before any statistics PostgreSQL plans the page as a bitmap scan plus
 * a top-N sort of the user's rows (seen: 16 ms at 10,000), after them as an index scan of one page. Times are wall-clock
 * medians on a shared machine: compare the columns of one row, not rows of different runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createSessions } from '../src/core/manager.js';
import type { SessionStore } from '../src/stores/contract.js';
import { memoryStore } from '../src/stores/memory/index.js';
import { mysqlStore } from '../src/stores/mysql/index.js';
import { postgresStore } from '../src/stores/postgres/index.js';
import { redisStore } from '../src/stores/redis/index.js';
import { sqliteStore } from '../src/stores/sqlite/index.js';
import { makeRecord, makeUserId } from '../src/testing/records.js';
import { dropTables, testPool as mysqlPool, uniqueTable } from '../test/helpers/mysql.js';
import { dropSchema, testPool as pgPool, uniqueSchema } from '../test/helpers/postgres.js';
import { dropKeysUnder } from '../test/helpers/redis-keys.js';

const { values: args } = parseArgs({
  options: {
    totals: { type: 'string', default: '100,1000,10000' },
    stores: { type: 'string', default: 'memory,sqlite,redis,postgres,mysql' },
    rounds: { type: 'string', default: '15' },
    limit: { type: 'string', default: '50' },
  },
});
const TOTALS = args.totals.split(',').map(Number);
const ROUNDS = Number(args.rounds);
const LIMIT = Number(args.limit);
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

interface Opened {
  readonly store: SessionStore;
  /** Planner statistics after the bulk fill, as autovacuum/ANALYZE gives a table in service. */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

const dir = await mkdtemp(join(tmpdir(), 'custos-devices-'));
const pg = pgPool({ max: 4 });
const my = mysqlPool({ connectionLimit: 4 });
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

const openers: Record<string, () => Promise<Opened>> = {
  memory: async () => ({ store: memoryStore(), close: async () => {} }),
  sqlite: async () => ({
    store: sqliteStore({ path: join(dir, `${randomBytes(4).toString('hex')}.db`) }),
    close: async () => {},
  }),
  redis: async () => {
    const prefix = `custos-bench:${randomBytes(4).toString('hex')}:`;
    return { store: redisStore({ client: redis, prefix }), close: () => dropKeysUnder(redis, prefix) };
  },
  postgres: async () => {
    const schema = uniqueSchema('devices');
    const store = postgresStore({ pool: pg, schema });
    await store.migrate();
    return {
      store,
      settle: async () => void (await pg.query(`ANALYZE "${schema}".custos_sessions`)),
      close: () => dropSchema(pg, schema),
    };
  },
  mysql: async () => {
    const table = uniqueTable('devices');
    const store = mysqlStore({ pool: my, table });
    await store.migrate();
    return {
      store,
      settle: async () => void (await my.query(`ANALYZE TABLE \`${table}\``)),
      close: () => dropTables(my, table),
    };
  },
};

async function median(call: () => Promise<unknown>): Promise<number> {
  await call(); // warm caches and prepared statements
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const rows: string[] = [];
for (const name of args.stores.split(',')) {
  for (const total of TOTALS) {
    const opened = await (openers[name] as () => Promise<Opened>)();
    const userId = makeUserId();
    const now = Date.now();
    const expiresAt = now + 3_600_000;
    await opened.store.importRecords([
      ...Array.from({ length: total }, (_, i) => makeRecord({ userId, createdAt: now - i, expiresAt })),
      ...Array.from({ length: 1000 }, () => makeRecord({ expiresAt })),
    ]);
    await opened.settle?.();
    const manager = createSessions({ secrets: [SECRET], store: opened.store });
    let middle: string | null = null;
    let cursor: string | null = null;
    for (let page = 0; page < Math.floor(total / LIMIT / 2); page++) {
      cursor = (await manager.listSessionsPage(userId, { limit: LIMIT, cursor })).next;
      middle = cursor;
    }
    const first = await median(() => manager.listSessionsPage(userId, { limit: LIMIT }));
    const mid =
      middle === null ? first : await median(() => manager.listSessionsPage(userId, { limit: LIMIT, cursor: middle }));
    const all = await median(() => manager.listSessions(userId));
    rows.push(
      `| ${name} | ${total.toLocaleString('en')} | ${fmt(first)} | ${fmt(mid)} | ${fmt(all)} | ${(all / first).toFixed(1)}× |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
    await opened.close();
  }
}

await redis.quit();
await pg.end();
await my.end();
await rm(dir, { recursive: true, force: true });

console.log(
  `Node ${process.version}; page size ${LIMIT}; median of ${ROUNDS} calls; 1-min load average at end ${loadavg()[0]?.toFixed(1)}.\n`,
);
console.log("| store | user's sessions | first page ms | middle page ms | whole list ms | whole ÷ first |");
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
