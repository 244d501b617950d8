/**
 * Benchmark runner (issue 7). Load is generated here, in the parent process, with autocannon;
 * every server runs in its own child process. Per scenario the targets of a group take turns
 * (A B A B ...) for a fixed duration and connection count; the table shows medians.
 *
 *   npm run bench                 full run: 3 alternating rounds × 3 s, 32 connections (table on stdout and in bench/results/latest.md)
 *   npm run bench:quick           scenarios (a)(b), 2 rounds × 0.4 s, no warm-up: under 60 s (bench/results/quick.md)
 *   any other options             a partial run, written to bench/results/partial.md (not committed)
 *   tsx bench/run.ts --only=express,redis --duration=5 --rounds=5 --connections=50
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { GROUPS } from './lib/groups.js';
import {
  bareCookie,
  type RoundResult,
  runLoad,
  runSequential,
  SCENARIOS,
  type ScenarioId,
  scenarioRequest,
  sessionCookie,
} from './lib/load.js';
import { monitorRedis } from './lib/redis-monitor.js';
import { buildServers, type RunningTarget, startTarget, type TargetDef } from './lib/target.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
/**
 * Only the default full run replaces results/latest.md (the tables BENCHMARKS.md quotes) and only
 * the plain quick run replaces results/quick.md; a narrower run (`--only`, `--scenarios`, other
 * durations) goes to results/partial.md, which git ignores.
 */
const resultName = args.size === 0 ? 'latest' : quick && args.size === 1 ? 'quick' : 'partial';
const settings = {
  duration: Number(args.get('duration') ?? (quick ? 0.4 : 3)),
  warmup: Number(args.get('warmup') ?? (quick ? 0 : 1)),
  rounds: Number(args.get('rounds') ?? (quick ? 2 : 3)),
  connections: Number(args.get('connections') ?? 32),
  scenarios: (args.get('scenarios') ?? (quick ? 'ab' : 'abcd')).split('') as ScenarioId[],
  only: args.get('only')?.split(','),
  counts: !args.has('no-counts'),
  countAmount: quick ? 20 : 200,
  /** Quick rounds are shorter than autocannon's default 1 s tick. */
  sampleInt: quick ? 100 : 1000,
};

interface Cell {
  group: string;
  scenario: ScenarioId;
  target: TargetDef;
  rounds: RoundResult[];
  serverCpu: number[];
  runnerCpu: number[];
  /** Server CPU time per request (µs): contention from other processes barely moves it. */
  cpuPerRequest: number[];
  commands?: string;
  skipped?: string;
}

let loadBefore = 0;

const median = (values: number[]) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function cpuOf(target: RunningTarget): Promise<number> {
  return (await target.stats()).cpuMicros ?? 0;
}

/** One timed round with CPU of both sides, so a saturated generator would show. */
async function round(target: RunningTarget, scenario: ScenarioId, cookie: string | null, duration: number) {
  const serverBefore = await cpuOf(target);
  const runnerBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await runLoad(scenarioRequest(target.url, scenario, cookie), {
    duration,
    connections: settings.connections,
    sampleInt: settings.sampleInt,
  });
  const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
  const runner = process.cpuUsage(runnerBefore);
  const serverCpu = (await cpuOf(target)) - serverBefore;
  return {
    result,
    serverCpu: serverCpu / wallMicros,
    runnerCpu: (runner.user + runner.system) / wallMicros,
    cpuPerRequest: serverCpu / Math.max(1, result.total),
  };
}

async function countCommands(
  target: RunningTarget,
  scenario: ScenarioId,
  cookie: string | null,
  monitor: Awaited<ReturnType<typeof monitorRedis>> | null,
): Promise<string | undefined> {
  if (target.def.redis && monitor) {
    monitor.count(target.prefix);
    const sent = await runSequential(target.url, scenario, cookie, settings.countAmount);
    await new Promise((r) => setTimeout(r, 150));
    const { roundTrips, writes } = monitor.count(target.prefix);
    return `${(roundTrips / sent).toFixed(2)} (${(writes / sent).toFixed(2)} w)`;
  }
  if (target.def.counts) {
    const before = (await target.stats()).commands ?? 0;
    const sent = await runSequential(target.url, scenario, cookie, settings.countAmount);
    const after = (await target.stats()).commands ?? 0;
    return `${((after - before) / sent).toFixed(2)}`;
  }
  return undefined;
}

async function main() {
  const cells: Cell[] = [];
  const started = Date.now();
  loadBefore = os.loadavg()[0] ?? 0;
  buildServers();
  let monitor: Awaited<ReturnType<typeof monitorRedis>> | null = null;
  const groups = GROUPS.filter((group) => !settings.only || settings.only.includes(group.id));
  // Every server starts at once (they idle until their group's turn): start-up is paid once, in parallel.
  const allStarts = new Map(
    groups.map((group) => [group.id, Promise.all(group.targets.map((def) => startTarget(def)))] as const),
  );
  for (const group of groups) {
    const running = new Map<string, RunningTarget>();
    const skipped = new Map<string, string>();
    const starts = await (allStarts.get(group.id) as Promise<Awaited<ReturnType<typeof startTarget>>[]>);
    group.targets.forEach((def, i) => {
      const s = starts[i];
      if (s?.ok) running.set(def.id, s.target);
      else skipped.set(def.id, s?.reason ?? 'did not start');
    });
    if (settings.counts && !monitor && group.targets.some((t) => t.redis && running.has(t.id))) {
      monitor = await monitorRedis().catch(() => null);
    }
    const cookies = new Map<string, string | null>();
    for (const [id, target] of running) {
      try {
        cookies.set(id, target.def.kind === 'bare' ? bareCookie() : await sessionCookie(target.url));
      } catch (error) {
        skipped.set(id, (error as Error).message.replace(/https?:\/\/\S+: /, ''));
        await target.stop();
        running.delete(id);
      }
    }
    for (const scenario of settings.scenarios) {
      // Bare servers have no session: they are the ceiling for (a) only.
      const defs = group.targets.filter((t) => t.kind !== 'bare' || scenario === 'a');
      const groupCells = defs.map((target) => {
        const cell: Cell = {
          group: group.id,
          scenario,
          target,
          rounds: [],
          serverCpu: [],
          runnerCpu: [],
          cpuPerRequest: [],
        };
        const reason = skipped.get(target.id);
        if (reason !== undefined) cell.skipped = reason;
        cells.push(cell);
        return cell;
      });
      const live = groupCells.filter((c) => !c.skipped);
      for (const cell of live) {
        if (settings.warmup <= 0) break;
        const target = running.get(cell.target.id) as RunningTarget;
        await runLoad(scenarioRequest(target.url, scenario, cookies.get(cell.target.id) ?? null), {
          duration: settings.warmup,
          connections: settings.connections,
        });
      }
      for (let r = 0; r < settings.rounds; r++) {
        for (const cell of live) {
          const target = running.get(cell.target.id) as RunningTarget;
          const { result, serverCpu, runnerCpu, cpuPerRequest } = await round(
            target,
            scenario,
            cookies.get(cell.target.id) ?? null,
            settings.duration,
          );
          cell.rounds.push(result);
          cell.serverCpu.push(serverCpu);
          cell.runnerCpu.push(runnerCpu);
          cell.cpuPerRequest.push(cpuPerRequest);
        }
      }
      if (settings.counts) {
        for (const cell of live) {
          const target = running.get(cell.target.id) as RunningTarget;
          cell.commands = await countCommands(target, scenario, cookies.get(cell.target.id) ?? null, monitor);
        }
      }
      process.stderr.write(`  ${group.id} ${scenario} done (${Math.round((Date.now() - started) / 1000)} s)\n`);
    }
    await Promise.all([...running.values()].map((t) => t.stop()));
  }
  monitor?.close();
  const markdown = render(cells, (Date.now() - started) / 1000);
  process.stdout.write(markdown);
  const out = fileURLToPath(new URL(`./results/${resultName}.md`, import.meta.url));
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(out, markdown);
}

function render(cells: Cell[], seconds: number): string {
  const lines: string[] = [];
  const cpu = os.cpus();
  lines.push(
    `Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${os.platform()} ${os.release()}.`,
    `${settings.rounds} alternating rounds × ${settings.duration} s, ${settings.connections} connections, ` +
      `${settings.warmup} s warm-up per target and scenario; load generator (autocannon) in the parent ` +
      `process, each server in its own child process; run took ${Math.round(seconds)} s. ` +
      `Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end ` +
      '(other work on the machine competes for the same cores).',
    '',
  );
  for (const group of GROUPS) {
    const mine = cells.filter((c) => c.group === group.id);
    if (mine.length === 0) continue;
    lines.push(`### ${group.title}`, '');
    lines.push(
      '| scenario | target | req/s (median) | p99 ms | custos/peer | server CPU µs/req | store cmds/req | CPU server / runner |',
    );
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|');
    for (const scenario of settings.scenarios) {
      for (const cell of mine.filter((c) => c.scenario === scenario)) {
        if (cell.skipped) {
          lines.push(`| ${SCENARIOS[scenario]} | ${cell.target.label} | skipped: ${cell.skipped} | | | | | |`);
          continue;
        }
        const rps = median(cell.rounds.map((r) => r.reqPerSec));
        const p99 = median(cell.rounds.map((r) => r.p99));
        const bad = cell.rounds.reduce((n, r) => n + r.bad, 0);
        const ratio = group.ratios.find((x) => x.custos === cell.target.id && x.scenarios.includes(scenario));
        let ratioText = '';
        if (ratio) {
          const peer = mine.find((c) => c.scenario === scenario && c.target.id === ratio.peer);
          const peerRps = peer && !peer.skipped ? median(peer.rounds.map((r) => r.reqPerSec)) : Number.NaN;
          ratioText = Number.isFinite(peerRps) ? `${(rps / peerRps).toFixed(2)}×` : 'peer skipped';
        }
        const cpuText = `${Math.round(median(cell.serverCpu) * 100)} % / ${Math.round(median(cell.runnerCpu) * 100)} %`;
        lines.push(
          `| ${SCENARIOS[scenario]} | ${cell.target.label} | ${Math.round(rps).toLocaleString('en-US')}` +
            `${bad > 0 ? ` (${bad} non-2xx/errors)` : ''} | ${p99} | ${ratioText} | ` +
            `${Math.round(median(cell.cpuPerRequest))} | ${cell.commands ?? ''} | ${cpuText} |`,
        );
      }
    }
    lines.push('');
  }
  lines.push(
    'store cmds/req: Redis = commands on the wire per request from `MONITOR` (w = data-changing commands, ' +
      'inside Lua scripts too); SQLite = better-sqlite3 statements; PostgreSQL = statements sent. ' +
      '(d) counts the first-visit + login pair as two requests.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

await main();
