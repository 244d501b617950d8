/**
 * Stores at scale: for each store, N sessions made by the core, then
 *   - bytes per session (memory: heap delta; SQLite: file size; Redis: INFO used_memory delta,
 *     plus MEMORY USAGE of a sample of session hashes; PostgreSQL: pg_total_relation_size),
 *   - `manager.load` latency (p50/p99) with C concurrent loaders for D seconds,
 *   - the time `manager.purgeExpired` takes to delete all N once they have expired.
 *
 * Run by hand (not a test; several minutes at 1M):
 *   npx tsx --expose-gc --max-old-space-size=12288 bench/store-scale.ts --n 1000000
 *   npx tsx --expose-gc bench/store-scale.ts --n 20000 --stores memory,sqlite --duration 3
 * Options: --n, --stores memory,sqlite,redis,postgres, --duration (s), --concurrency, --sample
 * (cookies kept for the load phase), --pg-url. Progress goes to stderr, the Markdown to stdout.
 *
 * How sessions are made: `--sample` (10,000) logins through a `SessionManager` on a memory store
 * (real tokens, sealed fields), then N - sample look-alike records copying the shape and sizes of
 * one of those (own random id, verifier and field bytes), two sessions per user overall. Every
 * other store is filled with `importRecords(memory.exportRecords())`, so the sample's cookies
 * load on every store. Expiry: the managers share a clock; moving it 13 h forward
 * (past the 12 h absolute limit) makes all N expired without waiting, then purge runs.
 *
 * Redis runs in a private `redis-server` (free loopback port, no persistence) so INFO memory
 * measures only these sessions; PostgreSQL uses a throwaway schema in the `test` database;
 * SQLite a temp file. Everything is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createSessions, type SessionManager } from '../src/core/manager.js';
import type { SessionStore, StoredSession } from '../src/stores/contract.js';
import { MemoryStore } from '../src/stores/memory/index.js';
import { postgresStore } from '../src/stores/postgres/index.js';
import { redisStore } from '../src/stores/redis/index.js';
import { sqliteStore } from '../src/stores/sqlite/index.js';
import type { RequestLike } from '../src/vocabulary/request.js';
import { pgConnection } from '../test/helpers/postgres.js';
import { startPrivateRedis } from '../test/helpers/redis-server.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    stores: { type: 'string', default: 'memory,sqlite,redis,postgres' },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '50' },
    sample: { type: 'string', default: '10000' },
    'pg-url': { type: 'string', default: process.env.CUSTOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const N = Number(args.n);
const STORES = new Set(args.stores.split(','));
const DURATION_MS = Number(args.duration) * 1000;
const CONCURRENCY = Number(args.concurrency);
const SAMPLE = Math.min(Number(args.sample), N);
const HOUR = 3_600_000;

const SECRETS = ['bench-secret-0123456789abcdef0123456789abcdef', 'bench-secret-older-0123456789abcdef012345'];
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) BenchBrowser/1.0';
let clockOffset = 0;
const clock = () => Date.now() + clockOffset;

/**
 * storeTimeout is raised to 10 min: `manager.purgeExpired` bounds every batch call by it, and one
 * call can be long at this scale (the Redis store's last call sweeps every per-user index). The
 * longest single call is reported so it can be compared with a production storeTimeout.
 */
function managerFor(store: SessionStore): SessionManager {
  return createSessions({ secrets: SECRETS, store, clock, storeTimeout: '10m' });
}

/** Wraps a store to time each purgeExpired call (one batch of manager.purgeExpired). */
function timingPurges(store: SessionStore): { store: SessionStore; longest: () => number } {
  let longest = 0;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'purgeExpired') return typeof value === 'function' ? value.bind(target) : value;
      return async (now: number, limit?: number) => {
        const started = performance.now();
        try {
          return await target.purgeExpired(now, limit);
        } finally {
          longest = Math.max(longest, performance.now() - started);
        }
      };
    },
  });
  return { store: wrapped, longest: () => longest };
}

function request(cookie?: string): RequestLike {
  const headers: Record<string, string> = { host: 'app.example', 'user-agent': USER_AGENT };
  if (cookie) headers.cookie = cookie;
  return { method: 'GET', url: '/', headers, remoteAddress: '203.0.113.9', secure: true };
}

const log = (...parts: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
function gc() {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc (npx tsx --expose-gc bench/store-scale.ts)');
  collect();
  collect();
}

interface Seeded {
  readonly memory: MemoryStore;
  readonly sample: Array<{ cookie: string; userId: string }>;
  readonly heapBytes: number;
  readonly seedMs: number;
  /** Time of the SAMPLE logins through the core. */
  readonly loginMs: number;
}

/** A string of `length` random base64url characters (a distinct heap string every time). */
function randomChars(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, length);
}

/**
 * A record with exactly the shape and sizes of `template` (a record the core wrote) but its own
 * random id, verifier and field bytes: stores treat all of these as opaque strings, so size,
 * indexing and purge cost are those of a real session. Only the sample needs to open.
 */
function lookalike(template: StoredSession, userId: string): StoredSession {
  const fields: Record<string, string> = {};
  for (const [name, sealed] of Object.entries(template.fields)) {
    const version = sealed.slice(0, sealed.indexOf('.') + 1);
    fields[name] = version + randomChars(sealed.length - version.length);
  }
  return {
    ...template,
    id: randomChars(template.id.length),
    verifier: randomChars(template.verifier.length),
    userId,
    fields,
  };
}

/**
 * SAMPLE logins through the core on a memory store (their cookies drive the load phase), then
 * N - SAMPLE look-alike records of the same shape (two sessions per user overall). Logging in a
 * million times through the core costs ~0.2 ms of CPU each, most of an hour on a busy 2-core box.
 */
async function seed(): Promise<Seeded> {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  // The default cap (100,000, LRU eviction past it) would silently drop most of the sessions.
  const memory = new MemoryStore({ maxSessions: N });
  const manager = managerFor(memory);
  const users = Math.max(1, Math.floor(N / 2));
  const sample: Array<{ cookie: string; userId: string }> = [];
  let template: StoredSession | null = null;
  const started = performance.now();
  for (let i = 0; i < SAMPLE; i++) {
    const userId = `user-${i % users}`;
    const session = await manager.load(request());
    await session.login(userId);
    session.set('cart' as never, { items: ['sku-1042', 'sku-77'], total: 42.5 } as never);
    session.set('theme' as never, 'dark' as never);
    await session.commit();
    const header = session.responseHeaders().find(([name]) => name === 'set-cookie')?.[1] ?? '';
    sample.push({ cookie: header.slice(0, header.indexOf(';')), userId });
    template ??= await memory.get(session.handle as string);
  }
  const loginMs = performance.now() - started;
  if (!template) throw new Error('no session was created');
  const shape = template;
  function* rest(): Generator<StoredSession> {
    for (let i = SAMPLE; i < N; i++) yield lookalike(shape, `user-${i % users}`);
  }
  await memory.importRecords(rest());
  const seedMs = performance.now() - started;
  gc();
  const heapBytes = (process.memoryUsage().heapUsed - heapBefore) / N;
  return { memory, sample, heapBytes, seedMs, loginMs };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** CONCURRENCY loaders calling manager.load with random sample cookies for DURATION_MS. */
async function loadLatency(manager: SessionManager, sample: Seeded['sample']) {
  const latencies: number[] = [];
  let wrongUser = 0;
  let failed = 0;
  const deadline = performance.now() + DURATION_MS;
  const loader = async () => {
    while (performance.now() < deadline) {
      const pick = sample[Math.floor(Math.random() * sample.length)]!;
      const t0 = performance.now();
      try {
        const session = await manager.load(request(pick.cookie));
        latencies.push(performance.now() - t0);
        if (session.userId !== pick.userId) wrongUser++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loader));
  const sorted = Float64Array.from(latencies).sort();
  if (wrongUser > 0 || failed > 0) throw new Error(`load check failed: ${wrongUser} wrong user, ${failed} errors`);
  return {
    loads: latencies.length,
    perSecond: Math.round(latencies.length / (DURATION_MS / 1000)),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/** Moves the shared clock past every deadline and times the purge of all N records. */
async function purgeAll(store: SessionStore): Promise<{ purgeMs: number; removed: number; longestCallMs: number }> {
  const timed = timingPurges(store);
  const manager = managerFor(timed.store);
  clockOffset = 13 * HOUR;
  try {
    const started = performance.now();
    const removed = await manager.purgeExpired({ batchSize: 10_000 });
    return { purgeMs: performance.now() - started, removed, longestCallMs: timed.longest() };
  } finally {
    clockOffset = 0;
  }
}

interface Row {
  store: string;
  n: number;
  fillMs: number;
  bytesPerSession: number;
  bytesNote: string;
  loads: number;
  perSecond: number;
  p50: number;
  p99: number;
  purgeMs: number;
  longestCallMs: number;
}

async function measureStore(
  name: string,
  store: SessionStore,
  seeded: Seeded,
  bytes: () => Promise<{ perSession: number; note: string }>,
): Promise<Row> {
  log(`${name}: importing ${N} records`);
  const started = performance.now();
  const imported = await store.importRecords(seeded.memory.exportRecords());
  const fillMs = performance.now() - started;
  if (imported !== N) throw new Error(`${name}: imported ${imported} of ${N}`);
  log(`${name}: imported in ${seconds(fillMs)} s; measuring size`);
  const size = await bytes();
  const manager = managerFor(store);
  log(`${name}: load latency (${CONCURRENCY} loaders, ${DURATION_MS / 1000} s)`);
  const load = await loadLatency(manager, seeded.sample);
  log(`${name}: purging`);
  const { purgeMs, removed, longestCallMs } = await purgeAll(store);
  if (removed !== N) throw new Error(`${name}: purged ${removed} of ${N}`);
  const row = {
    store: name,
    n: N,
    fillMs,
    bytesPerSession: size.perSession,
    bytesNote: size.note,
    ...load,
    purgeMs,
    longestCallMs,
  };
  log(`${name}: purged ${removed} in ${seconds(purgeMs)} s`, JSON.stringify(row));
  return row;
}

async function runSqlite(seeded: Seeded): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'custos-scale-'));
  const path = join(dir, 'sessions.db');
  const store = sqliteStore({ path });
  try {
    return await measureStore('SQLite', store, seeded, async () => {
      store.database.pragma('wal_checkpoint(TRUNCATE)');
      const total = ['', '-wal', '-shm']
        .map((suffix) => {
          try {
            return statSync(path + suffix).size;
          } catch {
            return 0;
          }
        })
        .reduce((a, b) => a + b, 0);
      return { perSession: total / N, note: 'file size after WAL checkpoint / N' };
    });
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function runRedis(seeded: Seeded): Promise<Row> {
  const server = await startPrivateRedis();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    const prefix = 'scale:';
    const before = await usedMemory(client);
    const store = redisStore({ client, prefix });
    return await measureStore('Redis', store, seeded, async () => {
      const after = await usedMemory(client);
      let sampled = 0;
      let hashBytes = 0;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}s:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          hashBytes += Number(await client.memory('USAGE', key));
          sampled++;
        }
      } while (cursor !== '0' && sampled < 1000);
      return {
        perSession: (after - before) / N,
        note: `INFO used_memory delta / N (session hash + user index); MEMORY USAGE of one session hash ≈ ${Math.round(hashBytes / sampled)} B`,
      };
    });
  } finally {
    client.disconnect();
    await server.dispose();
  }
}

async function runPostgres(seeded: Seeded): Promise<Row> {
  const pool = new pg.Pool({ ...pgConnection(args['pg-url']), max: 10 });
  const schema = `custos_scale_${process.pid}`;
  try {
    const store = postgresStore({ pool, schema });
    await store.migrate();
    return await measureStore('PostgreSQL', store, seeded, async () => {
      const { rows } = await pool.query('SELECT pg_total_relation_size($1::regclass) AS bytes', [
        `"${schema}".custos_sessions`,
      ]);
      return { perSession: Number(rows[0].bytes) / N, note: 'pg_total_relation_size (table + indexes + TOAST) / N' };
    });
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

async function runMemoryLoad(seeded: Seeded) {
  log(`memory: load latency (${CONCURRENCY} loaders, ${DURATION_MS / 1000} s)`);
  return loadLatency(managerFor(seeded.memory), seeded.sample);
}

function table(rows: Row[]): string {
  const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  const lines = [
    '| store | sessions | fill time | bytes / session | `load` p50 | `load` p99 | loads/s | purge all expired | longest purge call |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.store} | ${r.n.toLocaleString('en-US')} | ${seconds(r.fillMs)} s | ${Math.round(r.bytesPerSession).toLocaleString('en-US')} | ${ms(r.p50)} ms | ${ms(r.p99)} ms | ${r.perSecond.toLocaleString('en-US')} | ${seconds(r.purgeMs)} s | ${seconds(r.longestCallMs)} s |`,
    );
  }
  lines.push('', 'How bytes were measured:');
  for (const r of rows) lines.push(`- ${r.store}: ${r.bytesNote}`);
  return lines.join('\n');
}

async function main() {
  const loadBefore = loadavg()[0]!.toFixed(1);
  log(`store-scale: N=${N}, stores=${[...STORES].join(',')}, ${CONCURRENCY} loaders for ${DURATION_MS / 1000} s`);
  log(`seeding ${N} sessions through the core (memory store)`);
  const seeded = await seed();
  log(`seeded in ${seconds(seeded.seedMs)} s (${seeded.sample.length} core logins in ${seconds(seeded.loginMs)} s)`);
  const rows: Row[] = [];
  let memoryLoad: Awaited<ReturnType<typeof runMemoryLoad>> | undefined;
  if (STORES.has('memory')) memoryLoad = await runMemoryLoad(seeded);
  if (STORES.has('sqlite')) rows.push(await runSqlite(seeded));
  if (STORES.has('redis')) rows.push(await runRedis(seeded));
  if (STORES.has('postgres')) rows.push(await runPostgres(seeded));
  if (memoryLoad) {
    log('memory: purging');
    const { purgeMs, removed, longestCallMs } = await purgeAll(seeded.memory);
    if (removed !== N) throw new Error(`memory: purged ${removed} of ${N}`);
    rows.unshift({
      store: 'memory',
      n: N,
      fillMs: seeded.seedMs,
      bytesPerSession: seeded.heapBytes,
      bytesNote: `V8 heapUsed delta after GC / N (fill time = ${SAMPLE.toLocaleString('en-US')} core logins + the look-alikes)`,
      ...memoryLoad,
      purgeMs,
      longestCallMs,
    });
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    [
      `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}; ` +
        `${CONCURRENCY} concurrent loaders for ${DURATION_MS / 1000} s per store; fill time of the other stores = importRecords of the N records. ` +
        `${SAMPLE.toLocaleString('en-US')} core logins took ${seconds(seeded.loginMs)} s (${Math.round((seeded.loginMs * 1000) / SAMPLE)} µs each). ` +
        `1-min load average at start ${loadBefore}, at end ${loadavg()[0]!.toFixed(1)} (other work on the machine competes for the 2 cores).`,
      '',
      table(rows),
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
