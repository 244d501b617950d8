/**
 * CPU profile of one target under one scenario: the server runs with `--cpu-prof`, load comes
 * from this process, then the profile is summarised (top self time, and time under custos code).
 *
 *   tsx bench/profile.ts --target=express-custos-memory --scenario=a --duration=10
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GROUPS } from './lib/groups.js';
import { bareCookie, runLoad, type ScenarioId, scenarioRequest, sessionCookie } from './lib/load.js';
import { buildServers, startTarget } from './lib/target.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const targetId = args.get('target') ?? 'express-custos-memory';
const scenario = (args.get('scenario') ?? 'a') as ScenarioId;
const duration = Number(args.get('duration') ?? 10);
const top = Number(args.get('top') ?? 25);

const def = GROUPS.flatMap((g) => g.targets).find((t) => t.id === targetId);
if (!def) throw new Error(`unknown target ${targetId}`);
const dir = fileURLToPath(new URL(`./profiles/${targetId}-${scenario}/`, import.meta.url));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

buildServers();
const started = await startTarget(def, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
if (!started.ok) throw new Error(`target did not start: ${started.reason}`);
const target = started.target;
const cookie = def.kind === 'bare' ? bareCookie() : await sessionCookie(target.url);
const warm = await runLoad(scenarioRequest(target.url, scenario, cookie), { duration: 2, connections: 32 });
const result = await runLoad(scenarioRequest(target.url, scenario, cookie), { duration, connections: 32 });
await target.stop();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const totalHits = profile.nodes.reduce((s, n) => s + n.hitCount, 0);

const short = (url: string) =>
  url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/').replace(/^node:/, 'node:');
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

// Self time per function.
const self = new Map<string, number>();
for (const n of profile.nodes) self.set(label(n), (self.get(label(n)) ?? 0) + n.hitCount);
// Inclusive time per function (each sample counted once per function on its stack).
const inclusive = new Map<string, number>();
for (const n of profile.nodes) {
  if (n.hitCount === 0) continue;
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const node = byId.get(id) as ProfileNode;
    const key = label(node);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + n.hitCount);
  }
}
// Samples of the idle program are not CPU; µs per request spreads the busy samples over every
// request the profile saw (warm-up included), so two targets' profiles compare line by line.
const idleHits = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + n.hitCount, 0);
const usPerHit = (profile.endTime - profile.startTime) / totalHits;
const requests = warm.total + result.total;
const pct = (hits: number) =>
  `${((100 * hits) / totalHits).toFixed(1).padStart(5)} % ${((hits * usPerHit) / requests).toFixed(2).padStart(6)} µs/req`;
const print = (title: string, map: Map<string, number>, filter: (k: string) => boolean = () => true) => {
  console.log(`\n## ${title}\n`);
  for (const [k, v] of [...map]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    console.log(`${pct(v)}  ${k}`);
  }
};
console.log(`# ${targetId} scenario (${scenario}): ${Math.round(result.reqPerSec)} req/s under the profiler`);
console.log(`profile: ${dir}${file}`);
console.log(`busy CPU on the main thread: ${(((totalHits - idleHits) * usPerHit) / requests).toFixed(1)} µs/req`);
print('self time', self);
print('inclusive time, custos code', inclusive, (k) => k.includes('src/'));
