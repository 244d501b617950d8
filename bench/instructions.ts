/**
 * Instructions per request, counted by valgrind's callgrind: the same pairs and scenarios as
 * `npm run bench`, measured in a unit that other load on the machine does not move (req/s and CPU
 * time do: on a shared 2-core machine the same build has measured 5× apart on different days).
 * Each server runs under callgrind; after a warm-up of plain requests the counters are zeroed,
 * a fixed number of requests is sent, and the counters are dumped. Windows repeat until two in a
 * row agree within 3 % (the JIT has settled; at most 8), and the last is reported with its drift.
 * V8 compiles optimised code on the main thread here (`--no-concurrent-recompilation`, every
 * target alike): under valgrind a background compiler thread finishes its work late and
 * unpredictably, and its instructions would land in whichever window was open.
 *
 *   npm run bench:instructions                               every pair (about two hours of one core)
 *   tsx bench/instructions.ts --only=express --scenarios=ab  a subset → results/instructions-partial.md
 *   options: --warmup=12000 --requests=3000 --connections=8
 *   --targets=express-custos-memory                          only these targets of the chosen groups
 *
 * Instructions are not time: a cache miss or an AES instruction counts once. They are the
 * work the process asks of the CPU, every thread included (garbage collection too).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { callgrindWrapper, dumpInstructions, zeroCounters } from './lib/callgrind.js';
import { GROUPS } from './lib/groups.js';
import { bareCookie, SCENARIOS, type ScenarioId, scenarioRequest, sessionCookie } from './lib/load.js';
import { buildServers, type RunningTarget, startTarget, type TargetDef } from './lib/target.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const settings = {
  warmup: Number(args.get('warmup') ?? 12000),
  requests: Number(args.get('requests') ?? 3000),
  connections: Number(args.get('connections') ?? 8),
  scenarios: (args.get('scenarios') ?? 'abcd').split('') as ScenarioId[],
  only: args.get('only')?.split(','),
  /** Target ids (bench/servers file names) to measure within the chosen groups; default all. */
  targets: args.get('targets')?.split(','),
};
const resultName = args.size === 0 ? 'instructions' : 'instructions-partial';

interface Row {
  group: string;
  scenario: ScenarioId;
  target: TargetDef;
  /** Instructions per request in the last two measured windows; the last is reported. */
  windows?: [number, number];
  skipped?: string;
}

/** Sends exactly `amount` requests of a scenario ((d): first visit + login pairs). */
async function send(target: RunningTarget, scenario: ScenarioId, cookie: string | null, amount: number) {
  const result = await autocannon({
    ...scenarioRequest(target.url, scenario, cookie),
    amount,
    connections: settings.connections,
    pipelining: 1,
    timeout: 120,
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${target.def.id} (${scenario}): ${bad} failed requests`);
  return result.requests.total;
}

const SETTLED = 0.03;
const MAX_WINDOWS = 8;

async function measure(def: TargetDef, scenario: ScenarioId, outDir: string): Promise<[number, number] | string> {
  const started = await startTarget(def, ['--no-concurrent-recompilation'], callgrindWrapper(outDir));
  if (!started.ok) return started.reason;
  const target = started.target;
  try {
    const cookie = def.kind === 'bare' ? bareCookie() : await sessionCookie(target.url);
    await send(target, scenario, cookie, settings.warmup);
    const windows: number[] = [];
    const settled = () => {
      const [previous, last] = windows.slice(-2) as [number, number];
      return windows.length >= 2 && Math.abs(previous - last) / last < SETTLED;
    };
    while (windows.length < MAX_WINDOWS && !settled()) {
      zeroCounters(target.pid);
      const sent = await send(target, scenario, cookie, settings.requests);
      windows.push(dumpInstructions(target.pid, outDir) / sent);
    }
    return windows.slice(-2) as [number, number];
  } finally {
    await target.stop();
  }
}

const kilo = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')} k`;

function render(rows: Row[], seconds: number): string {
  const lines = [
    `Command: \`tsx bench/instructions.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
    '',
    `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), valgrind callgrind; ` +
      `${settings.warmup} warm-up requests, then windows of ${settings.requests} requests until two agree within ${SETTLED * 100} %, ${settings.connections} connections; run took ${Math.round(seconds)} s.`,
    '',
  ];
  for (const group of GROUPS) {
    const mine = rows.filter((r) => r.group === group.id);
    if (mine.length === 0) continue;
    lines.push(`### ${group.title}`, '');
    lines.push('| scenario | target | instructions/req | custos/peer | drift |', '|---|---|--:|--:|--:|');
    for (const row of mine) {
      if (!row.windows) {
        lines.push(`| ${SCENARIOS[row.scenario]} | ${row.target.label} | skipped: ${row.skipped} | | |`);
        continue;
      }
      const [first, second] = row.windows;
      const pair = group.ratios.find((r) => r.custos === row.target.id && r.scenarios.includes(row.scenario));
      const peer = pair && mine.find((r) => r.scenario === row.scenario && r.target.id === pair.peer)?.windows?.[1];
      // Fewer instructions is better: the ratio reads like the req/s ratio (above 1 = custos ahead).
      const ratio = peer ? `${(peer / second).toFixed(2)}×` : '';
      const drift = `${(((first - second) / second) * 100).toFixed(1)} %`;
      lines.push(`| ${SCENARIOS[row.scenario]} | ${row.target.label} | ${kilo(second)} | ${ratio} | ${drift} |`);
    }
    lines.push('');
  }
  lines.push(
    'instructions/req: user-space instructions of the server process (all threads) per request, last window. ' +
      'custos/peer: peer instructions ÷ custos instructions. drift: the window before the last vs the last. ' +
      'Redis and PostgreSQL servers run in their own processes and are not counted.',
    '',
  );
  return lines.join('\n');
}

const startedAt = Date.now();
buildServers();
const outDir = mkdtempSync(join(os.tmpdir(), 'custos-callgrind-'));
const rows: Row[] = [];
try {
  for (const group of GROUPS) {
    if (settings.only && !settings.only.includes(group.id)) continue;
    for (const scenario of settings.scenarios) {
      for (const def of group.targets) {
        if (def.kind === 'bare' && scenario !== 'a') continue;
        if (settings.targets && !settings.targets.includes(def.id)) continue;
        const result = await measure(def, scenario, outDir);
        const row: Row = { group: group.id, scenario, target: def };
        if (typeof result === 'string') row.skipped = result;
        else row.windows = result;
        rows.push(row);
        const shown = row.windows ? kilo(row.windows[1]) : `skipped (${row.skipped})`;
        process.stderr.write(`${group.id} ${scenario} ${def.id}: ${shown}\n`);
      }
    }
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
const markdown = render(rows, (Date.now() - startedAt) / 1000);
process.stdout.write(markdown);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `${resultName}.md`), markdown);
