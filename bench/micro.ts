/**
 * Micro-benchmarks of the core hot path (tinybench), in one process, no HTTP:
 *   tsx bench/micro.ts            (add --time=ms per task; default 500)
 */
import { Bench } from 'tinybench';
import { readCookie } from '../src/cookie/parse.js';
import { createSessions } from '../src/core/manager.js';
import { parseToken } from '../src/core/token.js';
import { openedCache } from '../src/crypto/opened-cache.js';
import { memoryStore } from '../src/stores/memory/index.js';
import type { RequestLike } from '../src/vocabulary/request.js';
import { BENCH_SECRET } from './servers/common.js';

const time = Number(process.argv.find((a) => a.startsWith('--time='))?.slice(7) ?? 500);
const manager = createSessions<{ n: number }>({ secrets: [BENCH_SECRET], store: memoryStore() });
const headers = (cookie?: string): RequestLike => ({
  method: 'GET',
  url: '/',
  headers: {
    host: 'localhost:3000',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    accept: 'text/html',
    ...(cookie ? { cookie: `theme=dark; ${cookie}; _ga=GA1.2.123456789.1700000000` } : {}),
  },
  remoteAddress: '127.0.0.1',
  secure: false,
});

// One real session, created through the core exactly as a first visit would.
const first = await manager.load(headers());
first.set('n', 1);
await first.commit();
const setCookie = first.responseHeaders().find(([name]) => name === 'set-cookie')?.[1] ?? '';
const pair = setCookie.split(';')[0] as string;
const [cookieName, cookieValue] = pair.split('=') as [string, string];
const existing = headers(pair);
let counter = 0;

const bench = new Bench({ time, warmupTime: 100 });
bench
  .add('cookie parse + MAC verify', () => {
    const { value } = readCookie((existing.headers as Record<string, string>).cookie, cookieName);
    if (!parseToken(manager.options.keyring, value as string).ok) throw new Error('bad token');
  })
  .add('load from memory store (parse, MAC, get, verifier, open fields)', async () => {
    const session = await manager.load(existing);
    if (session.get('n') === undefined) throw new Error('session not found');
  })
  .add('load, opened-ciphertext cache cold (every field decrypted)', async () => {
    openedCache(manager.options.keyring).clear();
    const session = await manager.load(existing);
    if (session.get('n') === undefined) throw new Error('session not found');
  })
  .add('load + commit of an unchanged session', async () => {
    const session = await manager.load(existing);
    session.get('n');
    await session.commit();
  })
  .add('load + commit of one sealed field', async () => {
    const session = await manager.load(existing);
    session.set('n', ++counter);
    await session.commit();
  })
  .add('first visit: load + set + commit (create)', async () => {
    const session = await manager.load(headers());
    session.set('n', 1);
    await session.commit();
  });

await bench.run();
const rows = bench.tasks.map((task) => {
  const r = task.result as unknown as { latency?: { p50: number; p99: number }; period?: number };
  const median = (r.latency?.p50 ?? 0) * 1000;
  const mean = (r.period ?? 0) * 1000;
  return `| ${task.name} | ${median.toFixed(2)} | ${mean.toFixed(2)} | ${((r.latency?.p99 ?? 0) * 1000).toFixed(2)} | ${Math.round(1e6 / median).toLocaleString('en-US')} |`;
});
console.log(`Node ${process.version}, cookie value ${cookieValue.length} chars\n`);
console.log('| operation | median µs | mean µs | p99 µs | ops/s (1/median) |\n|---|--:|--:|--:|--:|');
console.log(rows.join('\n'));
await manager.close();
