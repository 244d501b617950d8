/**
 * Per-store figures for BENCHMARKS.md (issue 3): bytes per session, p99 `get` latency under
 * load, and the time to purge expired sessions. Sessions are made by the core (first visit with
 * one small field), so records carry the same sealed fields as in production.
 *
 *   node --expose-gc --import tsx bench/stores.ts [--sessions=20000] [--only=sqlite,redis]
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createSessions } from '../src/core/manager.js';
import type { SessionStore } from '../src/stores/contract.js';
import { memoryStore } from '../src/stores/memory/index.js';
import { postgresStore } from '../src/stores/postgres/index.js';
import { redisStore } from '../src/stores/redis/index.js';
import { sqliteStore } from '../src/stores/sqlite/index.js';
import type { RequestLike } from '../src/vocabulary/request.js';
import { dropKeysUnder, keysUnder } from '../test/helpers/redis-keys.js';
import { BENCH_SECRET } from './servers/common.js';
import { countingPgPool } from './servers/pg-pool.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const count = Number(arg('sessions') ?? 20_000);
const only = arg('only')?.split(',');
const gc = (globalThis as { gc?: () => void }).gc;

interface Subject {
  name: string;
  store: SessionStore;
  /** Bytes the store holds for `count` sessions. */
  bytes(): Promise<number>;
  cleanup(): Promise<void>;
}

const request: RequestLike = {
  method: 'GET',
  url: '/',
  headers: { host: 'localhost', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36' },
  remoteAddress: '203.0.113.7',
  secure: false,
};

async function subjects(): Promise<Subject[]> {
  const out: Subject[] = [];
  const tag = `bench_stores_${process.pid}`;
  if (!only || only.includes('memory')) {
    let base = 0;
    gc?.();
    base = process.memoryUsage().heapUsed;
    const store = memoryStore({ maxSessions: count * 2 });
    out.push({
      name: 'memory',
      store,
      bytes: async () => {
        gc?.();
        return process.memoryUsage().heapUsed - base;
      },
      cleanup: () => store.close(),
    });
  }
  if (!only || only.includes('sqlite')) {
    const path = join(tmpdir(), `${tag}.db`);
    const store = sqliteStore({ path });
    out.push({
      name: 'sqlite',
      store,
      bytes: async () => {
        const size = (p: string) => {
          try {
            return statSync(p).size;
          } catch {
            return 0;
          }
        };
        return size(path) + size(`${path}-wal`);
      },
      cleanup: async () => {
        await store.close();
        for (const s of ['', '-wal', '-shm']) rmSync(`${path}${s}`, { force: true });
      },
    });
  }
  if (!only || only.includes('redis')) {
    const client = new Redis({ host: '127.0.0.1', port: 6379 });
    const prefix = `bench:stores:${process.pid}:`;
    out.push({
      name: 'redis',
      store: redisStore({ client, prefix }),
      bytes: async () => {
        let total = 0;
        const pipeline = client.pipeline();
        for (const key of await keysUnder(client, prefix)) pipeline.memory('USAGE', key);
        for (const [, n] of (await pipeline.exec()) ?? []) total += Number(n ?? 0);
        return total;
      },
      cleanup: async () => {
        await dropKeysUnder(client, prefix);
        client.disconnect();
      },
    });
  }
  if (!only || only.includes('postgres')) {
    const { pool } = countingPgPool();
    const schema = tag;
    const store = postgresStore({ pool, schema });
    await store.migrate();
    out.push({
      name: 'postgres',
      store,
      bytes: async () => {
        await pool.query(`VACUUM ANALYZE "${schema}".custos_sessions`);
        const { rows } = await pool.query(`SELECT pg_total_relation_size('"${schema}".custos_sessions') AS n`);
        return Number(rows[0]?.n ?? 0);
      },
      cleanup: async () => {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      },
    });
  }
  return out;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function measure(subject: Subject): Promise<string> {
  let now = Date.now();
  const manager = createSessions<{ n: number }>({ secrets: [BENCH_SECRET], store: subject.store, clock: () => now });
  const ids: string[] = [];
  const createStarted = performance.now();
  for (let i = 0; i < count; i++) {
    const session = await manager.load(request);
    session.set('n', i);
    await session.commit();
    ids.push(session.handle as string);
  }
  const createSeconds = (performance.now() - createStarted) / 1000;
  const bytes = await subject.bytes();
  // p99 of get() with 32 concurrent callers for ~3 s.
  const latencies: number[] = [];
  const until = performance.now() + 3_000;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (performance.now() < until) {
        const id = ids[Math.floor(Math.random() * ids.length)] as string;
        const t = performance.now();
        await subject.store.get(id);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  // Everything idles past its deadline; purge in batches of 1000.
  now += 13 * 3_600_000;
  const purgeStarted = performance.now();
  const purged = await manager.purgeExpired({ batchSize: 1000 });
  const purgeSeconds = (performance.now() - purgeStarted) / 1000;
  await subject.cleanup();
  return (
    `| ${subject.name} | ${count.toLocaleString('en-US')} | ${Math.round(bytes / count)} | ` +
    `${percentile(latencies, 0.5).toFixed(2)} / ${percentile(latencies, 0.99).toFixed(2)} | ` +
    `${Math.round(latencies.length / 3).toLocaleString('en-US')} | ${createSeconds.toFixed(1)} | ` +
    `${purged.toLocaleString('en-US')} in ${purgeSeconds.toFixed(2)} s |`
  );
}

console.log('| store | sessions | bytes per session | get p50 / p99 ms (32 concurrent) | gets/s | create s | purge |');
console.log('|---|--:|--:|--:|--:|--:|--:|');
for (const subject of await subjects()) console.log(await measure(subject));
