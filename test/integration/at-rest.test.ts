import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/stores/contract.js';
import { mysqlStore } from '../../src/stores/mysql/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { redisStore } from '../../src/stores/redis/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { SECRET_A, SECRET_B } from '../helpers/clock.js';
import { dropTables, mysqlConnection, testPool as mysqlPool, TEST_MYSQL_URL, uniqueTable } from '../helpers/mysql.js';
import { dropSchema, testPool, uniqueSchema } from '../helpers/postgres.js';
import { makeManager, startInstance } from './support/app.js';
import { dropKeys, keysUnder, openRedis, uniquePrefix } from './support/redis.js';

const CANARY = 'CANARY-9f3a';
const dir = mkdtempSync(join(tmpdir(), 'custos-it-at-rest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Logs a user in through Express, stores the canary, and returns the cookie and the handle. */
async function sessionWithCanary(store: SessionStore) {
  const app = await startInstance(makeManager(store));
  try {
    const { cookie, handle } = await app.login('alice');
    expect((await app.post('/set/card', cookie, { value: CANARY })).status).toBe(200);
    expect((await app.get('/me', cookie)).body.data).toEqual({ card: CANARY });
    return { cookie, handle };
  } finally {
    await app.close();
  }
}

/** Everything that must never be readable at rest, in the encodings a dump could show it in. */
function forbiddenStrings(cookie: string): Record<string, string> {
  const value = cookie.slice(cookie.indexOf('=') + 1);
  const [id, secret, mac] = value.split('.') as [string, string, string];
  const secretBytes = Buffer.from(secret, 'base64url');
  const out: Record<string, string> = {
    'cookie value': value,
    'cookie id.secret': `${id}.${secret}`,
    'cookie secret': secret,
    'cookie secret (hex)': secretBytes.toString('hex'),
    'cookie secret (base64)': secretBytes.toString('base64').replace(/=+$/, ''),
    'cookie secret (raw bytes)': secretBytes.toString('latin1'),
    'cookie mac': mac,
    canary: CANARY,
    'canary (hex)': Buffer.from(CANARY).toString('hex'),
    'canary (base64)': Buffer.from(CANARY).toString('base64').replace(/=+$/, ''),
  };
  for (const [name, key] of [
    ['server secret A', SECRET_A],
    ['server secret B', SECRET_B],
  ] as const) {
    out[name] = key;
    out[`${name} (hex)`] = Buffer.from(key).toString('hex');
    out[`${name} (base64)`] = Buffer.from(key).toString('base64').replace(/=+$/, '');
  }
  return out;
}

function expectClean(dump: string, handle: string, cookie: string) {
  // The dump really holds this session (its public handle is the key), so a clean result means something.
  expect(dump).toContain(handle);
  for (const [what, needle] of Object.entries(forbiddenStrings(cookie))) {
    expect(dump.includes(needle), `${what} found at rest`).toBe(false);
  }
}

describe('a raw dump of each store after login holds no cookie, no secret, no plaintext data', () => {
  it('SQLite: the database file bytes (with its WAL)', async () => {
    const store = sqliteStore({ path: join(dir, 'sessions.db') });
    const { cookie, handle } = await sessionWithCanary(store);
    const files = readdirSync(dir).filter((f) => f.startsWith('sessions.db'));
    const dump = files.map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
    expectClean(dump, handle, cookie);
    await store.close();
  });

  it('Redis: SCAN of the prefix with every key and its full content, as raw bytes', async () => {
    const { client } = await openRedis();
    const prefix = uniquePrefix('at-rest');
    try {
      const { cookie, handle } = await sessionWithCanary(redisStore({ client, prefix }));
      const lines: string[] = [];
      for (const { node, key } of await keysUnder(client, prefix)) {
        const type = await node.type(key);
        const content =
          type === 'hash'
            ? Object.entries(await node.hgetallBuffer(key)).map(([f, v]) => `${f}=${v.toString('latin1')}`)
            : type === 'zset'
              ? await node.zrange(key, 0, -1, 'WITHSCORES')
              : [((await node.getBuffer(key)) ?? Buffer.alloc(0)).toString('latin1')];
        lines.push(`${key} (${type}): ${content.join(' ')}`);
      }
      expect(lines.length).toBeGreaterThan(1);
      expectClean(lines.join('\n'), handle, cookie);
    } finally {
      await dropKeys(client, prefix);
      await client.quit();
    }
  });

  it('PostgreSQL: SELECT * of every table in the schema, each row as PostgreSQL renders it', async () => {
    const pool = testPool({ max: 2 });
    const schema = uniqueSchema('it_at_rest');
    try {
      const store = postgresStore({ pool, schema });
      await store.migrate();
      const { cookie, handle } = await sessionWithCanary(store);
      const { rows: tables } = await pool.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      expect(tables.length).toBeGreaterThan(0);
      const lines: string[] = [];
      for (const { table_name } of tables) {
        const { rows } = await pool.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
        for (const { row } of rows) lines.push(`${table_name}: ${row}`);
      }
      expectClean(lines.join('\n'), handle, cookie);
      await store.close();
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  it('MySQL: mysqldump of the three tables, as the operator would back them up', async () => {
    const pool = mysqlPool({ connectionLimit: 2 });
    const table = uniqueTable('it_at_rest');
    try {
      const store = mysqlStore({ pool, table });
      await store.migrate();
      const { cookie, handle } = await sessionWithCanary(store);
      const { host, port, user, database } = mysqlConnection(TEST_MYSQL_URL);
      const dump = execFileSync(
        'mysqldump',
        [`--host=${host}`, `--port=${port}`, `--user=${user}`, '--skip-extended-insert', String(database)].concat([
          table,
          `${table}_epoch`,
          `${table}_migrations`,
        ]),
        { encoding: 'latin1' },
      );
      expect(dump).toContain(`INSERT INTO \`${table}\``);
      expectClean(dump, handle, cookie);
      await store.close();
    } finally {
      await dropTables(pool, table);
      await pool.end();
    }
  });
});
