import type { ScenarioId } from './load.js';
import type { TargetDef } from './target.js';

export interface Group {
  readonly id: string;
  readonly title: string;
  readonly targets: readonly TargetDef[];
  /** custos target id → the peer its ratio is taken against (per scenario). */
  readonly ratios: ReadonlyArray<{ custos: string; peer: string; scenarios: readonly ScenarioId[] }>;
}

/** Every comparison of issue 7; a target whose module has not landed is skipped, not fatal. */
export const GROUPS: readonly Group[] = [
  {
    id: 'node',
    title: 'node:http',
    targets: [
      { id: 'node-bare', label: 'bare node:http', kind: 'bare' },
      { id: 'node-custos', label: 'custos/node (memory)', kind: 'custos' },
    ],
    ratios: [{ custos: 'node-custos', peer: 'node-bare', scenarios: ['a'] }],
  },
  {
    id: 'express',
    title: 'Express, memory stores',
    targets: [
      { id: 'express-bare', label: 'bare Express', kind: 'bare' },
      { id: 'express-bare-middleware', label: 'bare Express + a no-op middleware', kind: 'bare' },
      { id: 'express-bare-async', label: 'bare Express + a no-op middleware after a resolved promise', kind: 'bare' },
      { id: 'express-session-memory', label: 'express-session (MemoryStore)', kind: 'peer' },
      { id: 'express-custos-memory', label: 'custos/express (memory)', kind: 'custos' },
      { id: 'express-custos-compat', label: 'custos/express-session (memory)', kind: 'custos' },
    ],
    ratios: [
      { custos: 'express-custos-memory', peer: 'express-session-memory', scenarios: ['a', 'b', 'c', 'd'] },
      { custos: 'express-custos-compat', peer: 'express-session-memory', scenarios: ['a', 'b', 'c', 'd'] },
    ],
  },
  {
    id: 'redis',
    title: 'Express + Redis',
    targets: [
      { id: 'express-session-redis', label: 'express-session + connect-redis 7', kind: 'peer', redis: true },
      { id: 'express-custos-redis', label: 'custos/express + redisStore', kind: 'custos', redis: true },
    ],
    ratios: [{ custos: 'express-custos-redis', peer: 'express-session-redis', scenarios: ['a', 'b', 'c', 'd'] }],
  },
  {
    id: 'sql',
    title: 'Express + SQL stores',
    targets: [
      {
        id: 'express-session-sqlite',
        label: 'express-session + better-sqlite3-session-store',
        kind: 'peer',
        counts: true,
      },
      { id: 'express-custos-sqlite', label: 'custos/express + sqliteStore', kind: 'custos', counts: true },
      { id: 'express-session-postgres', label: 'express-session + connect-pg-simple 10', kind: 'peer', counts: true },
      { id: 'express-custos-postgres', label: 'custos/express + postgresStore', kind: 'custos', counts: true },
    ],
    ratios: [
      { custos: 'express-custos-sqlite', peer: 'express-session-sqlite', scenarios: ['a', 'b', 'c', 'd'] },
      { custos: 'express-custos-postgres', peer: 'express-session-postgres', scenarios: ['a', 'b', 'c', 'd'] },
    ],
  },
  {
    id: 'fastify',
    title: 'Fastify',
    targets: [
      { id: 'fastify-bare', label: 'bare Fastify', kind: 'bare' },
      { id: 'fastify-session', label: '@fastify/session (memory)', kind: 'peer' },
      { id: 'fastify-custos', label: 'custos/fastify (memory)', kind: 'custos' },
    ],
    ratios: [{ custos: 'fastify-custos', peer: 'fastify-session', scenarios: ['a', 'b', 'c', 'd'] }],
  },
  {
    id: 'koa',
    title: 'Koa',
    targets: [
      { id: 'koa-bare', label: 'bare Koa', kind: 'bare' },
      { id: 'koa-session', label: 'koa-session (external memory store)', kind: 'peer' },
      { id: 'koa-custos', label: 'custos/koa (memory)', kind: 'custos' },
    ],
    ratios: [{ custos: 'koa-custos', peer: 'koa-session', scenarios: ['a', 'b', 'c', 'd'] }],
  },
  {
    id: 'hono',
    title: 'Hono on @hono/node-server',
    targets: [
      { id: 'hono-bare', label: 'bare Hono', kind: 'bare' },
      { id: 'hono-sessions', label: 'hono-sessions (MemoryStore)', kind: 'peer' },
      { id: 'hono-custos', label: 'custos/hono (memory)', kind: 'custos' },
    ],
    ratios: [{ custos: 'hono-custos', peer: 'hono-sessions', scenarios: ['a', 'b', 'c', 'd'] }],
  },
  {
    id: 'fetch',
    title: 'Fetch handler on Node (@hono/node-server bridge)',
    targets: [
      { id: 'fetch-bare', label: 'bare Fetch handler', kind: 'bare' },
      { id: 'fetch-custos', label: 'custos/fetch (memory)', kind: 'custos' },
    ],
    ratios: [],
  },
  {
    id: 'sealed',
    title: 'Sealed cookies (no server store), node:http',
    targets: [
      { id: 'iron-session', label: 'iron-session', kind: 'peer' },
      { id: 'custos-sealed', label: 'custos sealed-cookie mode', kind: 'custos' },
    ],
    ratios: [{ custos: 'custos-sealed', peer: 'iron-session', scenarios: ['a', 'b', 'c', 'd'] }],
  },
];
