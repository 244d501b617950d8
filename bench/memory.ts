/**
 * Heap per small idle session in the memory store (issue 7 target: ≤ 1 KiB), measured with
 * real sessions made by the core (first visit: one small field, plus the internal CSRF secret,
 * user-agent and IP fields every session carries), then `heapUsed` after full GCs.
 *
 *   node --expose-gc --max-old-space-size=4096 --import tsx bench/memory.ts [--sessions=1000000]
 */
import { createSessions } from '../src/core/manager.js';
import { memoryStore } from '../src/stores/memory/index.js';
import type { RequestLike } from '../src/vocabulary/request.js';
import { BENCH_SECRET } from './servers/common.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const count = Number(process.argv.find((a) => a.startsWith('--sessions='))?.slice(11) ?? 1_000_000);

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
};

const store = memoryStore({ maxSessions: count + 1 });
const manager = createSessions<{ n: number }>({ secrets: [BENCH_SECRET], store });
const request: RequestLike = {
  method: 'GET',
  url: '/',
  headers: {
    host: 'localhost',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  },
  remoteAddress: '203.0.113.7',
  secure: false,
};

const before = await settle();
const started = Date.now();
for (let i = 0; i < count; i++) {
  const session = await manager.load(request);
  session.set('n', 1);
  await session.commit();
  if (i % 100_000 === 99_999)
    process.stderr.write(`  ${i + 1} sessions (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
const after = await settle();
const stored = await store.count();
let sealedChars = 0;
let fields = 0;
let sampled = 0;
for await (const record of store.exportRecords()) {
  for (const value of Object.values(record.fields)) sealedChars += value.length;
  fields += Object.keys(record.fields).length;
  if (++sampled === 10) break;
}
const perSession = (after - before) / stored;
console.log(
  `| memory store | ${stored.toLocaleString('en-US')} sessions | ${Math.round(perSession)} B heap per session ` +
    `(${(perSession / 1024).toFixed(2)} KiB) | ${(fields / sampled).toFixed(0)} sealed fields, ~${Math.round(sealedChars / sampled)} sealed chars per record | ` +
    `${Math.round((Date.now() - started) / 1000)} s to create |`,
);
await manager.close();
