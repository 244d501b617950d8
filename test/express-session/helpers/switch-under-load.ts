import { randomBytes } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, pgConnection, TEST_PG_URL, testPool, uniqueSchema } from '../../helpers/postgres.js';
import { dropKeysUnder, keysUnder } from '../../helpers/redis-keys.js';
import {
  buildPackage,
  type PackageBuild,
  ROOT,
  type RuntimeServer,
  startRuntime,
} from '../../runtimes/runtime-process.js';
import { Browser, burst, type Reply, send } from './switch-under-load-browser.js';

/**
 * The switch as an operator does it: an express-session app (passport-local, connect-flash,
 * connect-redis 7 on ioredis or connect-pg-simple), CommonJS or ES module, runs in its own
 * process, 40 users sign in and build state, the process is stopped and started again with the
 * one line `require('express-session')` → `require('custos/express-session')` (or its `import`)
 * changed, and then every user fires bursts of parallel requests at once, the first burst with
 * the old cookie.
 *
 * Where custos comes from: a private compile of src/ (test/runtimes/runtime-process.ts, because
 * pack.test.ts rebuilds the repo's dist/ while other files run) with a package.json naming it
 * `custos` and the shipped `exports` map, so the app's `require('custos/express-session')` goes
 * through package self-reference, the `require` condition and a CommonJS wrapper over the ESM
 * build (or the `import` condition), as in an installed app (the shipped wrapper itself is tested
 * by pack.test.ts).
 */
const USERS = 40;
const ROUNDS = 4;
const FIXTURES = join(ROOT, 'test', 'fixtures', 'express-session-switch');

/** What scripts/build.mjs generates for `./express-session`: require() gives the factory, names on it. */
const DEFAULT_EXPORT_WRAPPER = `'use strict';
const entry = require('./index.js');
const main = entry.default;
for (const [name, value] of Object.entries(entry)) {
  if (name !== 'default' && !Object.hasOwn(main, name)) Object.defineProperty(main, name, { value, enumerable: true, configurable: true });
}
if (!Object.hasOwn(main, 'default')) Object.defineProperty(main, 'default', { value: main, configurable: true });
module.exports = main;
`;

let built: PackageBuild;
/** Each module system's app entry before and after the switch. */
const entries = new Map<string, { before: string; after: string }>();

/** Compiles custos as a package and writes each module system's app before and after the switch. */
async function buildEntries(): Promise<void> {
  built = await buildPackage();
  const shipped = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: unknown };
  await writeFile(
    join(built.root, 'package.json'),
    JSON.stringify({ name: 'custos', private: true, type: 'module', exports: shipped.exports }),
  );
  await writeFile(join(built.root, 'dist', 'adapters', 'express-session', 'index.cjs'), DEFAULT_EXPORT_WRAPPER);
  await cp(join(FIXTURES, 'routes.cjs'), join(built.root, 'routes.cjs'));
  for (const ext of ['cjs', 'mjs']) {
    const source = await readFile(join(FIXTURES, `app.${ext}`), 'utf8');
    const switched = source.replace(`'express-session'`, `'custos/express-session'`);
    // The one-line change, and nothing else.
    const changed = source.split('\n').filter((line, i) => line !== switched.split('\n')[i]);
    expect(changed).toHaveLength(1);
    const before = join(built.root, `before.${ext}`);
    const after = join(built.root, `after.${ext}`);
    await writeFile(before, source);
    await writeFile(after, switched);
    entries.set(ext, { before, after });
  }
}

function start(entry: string, env: Record<string, string>): Promise<RuntimeServer> {
  return startRuntime(process.execPath, [entry], { cwd: built.root, env });
}

/** What the store holds after the switch: records express-session wrote, and custos sessions. */
interface StoreCensus {
  legacy: number;
  custos: number;
}

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const redisPrefix = `custos-es-switch:${randomBytes(6).toString('hex')}:`;
const pool = testPool();
const schema = uniqueSchema('es_switch');

const census = (values: unknown[]): StoreCensus => {
  const sessions = values.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
  return {
    legacy: sessions.filter((s) => !('custos' in s)).length,
    custos: sessions.filter((s) => typeof (s.custos as { record?: unknown } | undefined)?.record === 'object').length,
  };
};

export interface Backend {
  label: string;
  env: Record<string, string>;
  census: (env: Record<string, string>) => Promise<StoreCensus>;
}

/** The stores the app runs on: its express-session store, and how to count what it holds. */
export const backends = {
  redis: {
    label: 'connect-redis 7 (ioredis) on Redis',
    env: { STORE: 'redis', REDIS_PREFIX: redisPrefix },
    census: async (env) => {
      const keys = await keysUnder(redis, env.REDIS_PREFIX as string);
      const values = await Promise.all(keys.map((key) => redis.get(key)));
      return census(values.map((v) => JSON.parse(v ?? 'null')));
    },
  },
  postgres: {
    label: 'connect-pg-simple 10 on PostgreSQL',
    env: { STORE: 'pg', PG_SCHEMA: schema, PG_CONNECTION: JSON.stringify(pgConnection(TEST_PG_URL)) },
    census: async () => {
      const { rows } = await pool.query(`SELECT sess FROM "${schema}"."session"`);
      return census(rows.map((row: { sess: unknown }) => row.sess));
    },
  },
} satisfies Record<string, Backend>;

/** One app to switch: its module system, and the store it runs on. */
export interface SwitchCase {
  app: string;
  ext: string;
  backend: Backend;
}

/** Declares the switch of each case, with the package build and the stores every case shares. */
export function switchUnderLoad(cases: SwitchCase[]): void {
  beforeAll(buildEntries, 60_000);
  afterAll(async () => {
    await built?.remove();
  });
  afterAll(async () => {
    await dropKeysUnder(redis, redisPrefix);
    await redis.quit();
    await dropSchema(pool, schema);
    await pool.end();
  });
  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
  });

  describe.each(cases)('switching a $app express-session app under load, on $backend.label', ({ ext, backend }) => {
    it(`${USERS} signed-in users keep their session and state through the one-line switch`, async () => {
      const entry = entries.get(ext) as { before: string; after: string };
      const users = Array.from({ length: USERS }, (_, i) => new Browser(`user${i}`));

      // Before: express-session itself. Each user signs in (a flash message is left unread),
      // counts to 3 and puts two items in the cart.
      // A unique store namespace per case: the census counts this case's sessions only.
      const env = { ...backend.env, REDIS_PREFIX: `${redisPrefix}${ext}:`, PG_SCHEMA: schema };
      const before = await start(entry.before, env);
      try {
        await Promise.all(
          users.map(async (u) => {
            const login = await send(before, u, 'POST', '/login', `username=${u.name}&password=${u.name}-password`);
            expect(login.status, `${u.name} login`).toBe(302);
            for (let i = 0; i < 3; i++) expect((await send(before, u, 'POST', '/count')).status).toBe(200);
            await send(before, u, 'POST', '/cart/book');
            await send(before, u, 'POST', '/cart/pen');
            expect((await send(before, u, 'GET', '/state')).body).toEqual({
              user: u.name,
              count: 3,
              cart: ['book', 'pen'],
              seen: 0,
            });
          }),
        );
        expect((await backend.census(env)).legacy).toBe(USERS);
      } finally {
        await before.stop();
      }

      // After: the same app with require('custos/express-session'). Every user at once, 8
      // requests in parallel per burst; the first burst carries the old express-session cookie.
      const after = await start(entry.after, env);
      try {
        const oldCookies = users.map((u) => u.header());
        const replies: Reply[] = [];
        const timings: number[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
          const t0 = performance.now();
          const bursts = await Promise.all(users.map((u) => burst(after, u, round)));
          timings.push(Math.round(performance.now() - t0));
          replies.push(...bursts.flat());
          if (round === 1) {
            for (const [i, u] of users.entries()) {
              // The 8 parallel requests with one old cookie shared one conversion: one new cookie.
              const given = new Set(bursts[i]?.flatMap((r) => r.set));
              expect(given.size, `${u.name}: new session cookies in the first burst`).toBe(1);
              expect(u.header()).not.toBe(oldCookies[i]);
            }
          }
        }
        const events = (await (await fetch(`${after.origin}/__events`)).json()) as Record<string, number>;
        const failed = replies.filter((r) => r.status !== 200);
        expect(
          failed.slice(0, 5),
          `${failed.length} of ${replies.length} requests failed; events ${JSON.stringify(events)}`,
        ).toEqual([]);
        // GET /me and /state answer 401 to a signed-out user; every one of them named its user.
        const named = replies.filter((r) => typeof (r.body as { user?: unknown } | null)?.user === 'string');
        expect(named.length).toBe(USERS * ROUNDS * 4);

        for (const u of users) {
          expect((await send(after, u, 'GET', '/state')).body, u.name).toEqual({
            user: u.name,
            count: 3 + ROUNDS,
            cart: ['book', 'pen', ...Array.from({ length: ROUNDS }, (_, r) => `r${r + 1}`)],
            seen: 2 * ROUNDS,
          });
          // The flash message left before the switch is delivered once, then gone.
          expect((await send(after, u, 'GET', '/flash')).body).toEqual([`welcome back, ${u.name}`]);
          expect((await send(after, u, 'GET', '/flash')).body).toEqual([]);
        }

        expect(events['created:converted-from-express-session']).toBe(USERS);
        expect(Object.keys(events).filter((k) => k.startsWith('created:'))).toEqual([
          'created:converted-from-express-session',
        ]);
        expect(await backend.census(env)).toEqual({ legacy: 0, custos: USERS });
        console.log(
          `switch under load (${ext}, ${backend.label}): ${USERS} users, ${replies.length} parallel requests after the switch, ${failed.length} failed, ${USERS} conversions; rounds took ${timings.join(', ')} ms`,
        );
      } catch (error) {
        if (error instanceof Error) error.message += `\n--- app stderr ---\n${after.stderr()}`;
        throw error;
      } finally {
        await after.stop();
      }
    }, 120_000);
  });
}
