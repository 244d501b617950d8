import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessions, type SessionManager } from '../../src/index.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { mysqlStore } from '../../src/stores/mysql/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { makeRecord, makeUserId } from '../../src/testing/records.js';
import { SECRET_A } from '../helpers/clock.js';
import { dropTables, testPool as mysqlPool, uniqueTable } from '../helpers/mysql.js';
import { dropSchema, testPool as pgPool, uniqueSchema } from '../helpers/postgres.js';

// A devices page of a user with many sessions must cost one page of rows, not the user's total
// (a user signed in from a script can hold thousands). The database itself is asked how it ran
// the statement the store sent: through an index in page order, with no sort of the user's rows.

interface Sent {
  readonly sql: string;
  readonly values: readonly unknown[];
}

interface PagingBackend {
  readonly store: SessionStore;
  /** The statements the store sent, in order. */
  readonly sent: Sent[];
  /** How the database runs `statement`: the index it reads and whether it sorts the rows. */
  plan(statement: Sent): Promise<{ indexes: string[]; sorts: boolean; rowsRead: number | null }>;
  /** Refreshes planner statistics after a bulk fill (what autovacuum/ANALYZE does in production). */
  analyze(): Promise<void>;
  /** Puts the schema back at version 1 (before the page index), as a database made by custos 0.1 is. */
  downgrade(): Promise<void>;
  migrate(): Promise<number[] | undefined>;
  close(): Promise<void>;
}

const pg = pgPool({ max: 4 });
const my = mysqlPool({ connectionLimit: 4 });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await pg.end();
  await my.end();
});

function sqliteBackend(): PagingBackend {
  const db = new Database(':memory:');
  const sent: Sent[] = [];
  // Statements are prepared once at construction; each one's reads are recorded with their binds.
  const recording = new Proxy(db, {
    get(target, prop) {
      if (prop !== 'prepare') {
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        const statement = target.prepare(source);
        return new Proxy(statement, {
          get(inner, name) {
            const value = Reflect.get(inner, name);
            if (typeof value !== 'function') return value;
            if (name !== 'all') return value.bind(inner);
            return (...values: unknown[]) => {
              sent.push({ sql: source, values });
              return value.apply(inner, values);
            };
          },
        });
      };
    },
  });
  const store = sqliteStore({ database: recording });
  return {
    store,
    sent,
    async plan({ sql, values }) {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as { detail: string }[];
      const details = rows.map((r) => r.detail);
      return {
        indexes: details.flatMap((d) => /USING (?:COVERING )?INDEX (\S+)/.exec(d)?.[1] ?? []),
        sorts: details.some((d) => d.includes('TEMP B-TREE')),
        rowsRead: null,
      };
    },
    async analyze() {
      db.exec('ANALYZE');
    },
    async downgrade() {
      db.exec("DROP INDEX custos_sessions_user_page; UPDATE custos_meta SET value = 1 WHERE key = 'schema_version'");
    },
    async migrate() {
      // The SQLite store migrates when it opens the database.
      sqliteStore({ database: db });
      return undefined;
    },
    async close() {
      db.close();
    },
  };
}

function postgresBackend(): PagingBackend {
  const schema = uniqueSchema('paging');
  cleanups.push(() => dropSchema(pg, schema));
  const sent: Sent[] = [];
  const recording = {
    query: (text: string, values?: unknown[]) => {
      sent.push({ sql: text, values: values ?? [] });
      return pg.query(text, values);
    },
    connect: () => pg.connect(),
  };
  const store = postgresStore({ pool: recording as never, schema });
  return {
    store,
    sent,
    async plan({ sql, values }) {
      const { rows } = await pg.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, [...values]);
      const nodes: Record<string, unknown>[] = [];
      const walk = (node: Record<string, unknown>) => {
        nodes.push(node);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
      const scans = nodes.filter(
        (n) => typeof n['Index Name'] === 'string' && n['Relation Name'] === 'custos_sessions',
      );
      return {
        indexes: scans.map((n) => n['Index Name'] as string),
        sorts: nodes.some((n) => n['Node Type'] === 'Sort'),
        rowsRead: scans.reduce(
          (sum, n) => sum + Number(n['Actual Rows']) + Number(n['Rows Removed by Filter'] ?? 0),
          0,
        ),
      };
    },
    async analyze() {
      await pg.query(`ANALYZE "${schema}".custos_sessions`);
    },
    async downgrade() {
      await pg.query(`DROP INDEX "${schema}".custos_sessions_user_page_idx`);
      await pg.query(`DELETE FROM "${schema}".custos_sessions_migrations WHERE version = 2`);
    },
    migrate: () => (store as ReturnType<typeof postgresStore>).migrate(),
    async close() {},
  };
}

function mysqlBackend(): PagingBackend {
  const table = uniqueTable('paging');
  cleanups.push(() => dropTables(my, table));
  const sent: Sent[] = [];
  const recording = new Proxy(my, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop !== 'execute') return value.bind(target);
      return (sql: string, values?: unknown[]) => {
        sent.push({ sql, values: values ?? [] });
        return value.call(target, sql, values);
      };
    },
  });
  const store = mysqlStore({ pool: recording, table });
  return {
    store,
    sent,
    async plan({ sql, values }) {
      const [rows] = (await my.query(`EXPLAIN ${sql}`, [...values])) as unknown as [
        { table: string; key: string | null; Extra: string | null }[],
      ];
      const own = rows.filter((r) => r.table === table);
      return {
        indexes: own.flatMap((r) => r.key ?? []),
        sorts: own.some((r) => (r.Extra ?? '').includes('filesort')),
        rowsRead: null,
      };
    },
    async analyze() {
      await my.query(`ANALYZE TABLE \`${table}\``);
    },
    async downgrade() {
      // Only the version mark goes: the index stays, as after a migration cut off before it was
      // recorded (MySQL DDL cannot be rolled back), so the rerun must take the existing key.
      await my.query(`DELETE FROM \`${table}_migrations\` WHERE version = 2`);
    },
    migrate: () => (store as ReturnType<typeof mysqlStore>).migrate(),
    async close() {},
  };
}

const backends: [string, () => PagingBackend][] = [
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
  ['MySQL (MariaDB)', mysqlBackend],
];

/** A user with `total` sessions (three at a time share a sign-in millisecond), plus other users'. */
async function fill(backend: PagingBackend, total: number) {
  const userId = makeUserId();
  const now = Date.now();
  const records = [
    ...Array.from({ length: total }, (_, i) => makeRecord({ userId, createdAt: now - Math.floor(i / 3) })),
    ...Array.from({ length: 20 }, () => makeRecord()),
  ];
  await backend.store.importRecords(records);
  await backend.analyze();
  return { userId, manager: createSessions({ secrets: [SECRET_A], store: backend.store }) };
}

/** Every handle of the user's sessions, walking the pages. */
async function walk(manager: SessionManager, userId: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await manager.listSessionsPage(userId, { limit, cursor });
    expect(page.sessions.length).toBeLessThanOrEqual(limit);
    seen.push(...page.sessions.map((s) => s.handle));
    cursor = page.next;
  } while (cursor !== null);
  return seen;
}

describe.each(backends)('paginated device list on %s', (_label, makeBackend) => {
  it('walking the pages lists every session once, newest sign-in first, ties included', async () => {
    const backend = makeBackend();
    await backend.migrate();
    const { userId, manager } = await fill(backend, 95);
    const seen = await walk(manager, userId, 20);
    const all = (await manager.listSessions(userId)).map((s) => s.handle);
    expect(seen).toHaveLength(95);
    expect(new Set(seen)).toEqual(new Set(all));
    const createdAt = new Map((await manager.listSessions(userId)).map((s) => [s.handle, s.createdAt]));
    const times = seen.map((h) => createdAt.get(h) as number);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Pages of 20 end inside a group of three sessions sharing a millisecond: the id breaks the tie.
    expect(await walk(manager, userId, 7)).toEqual(seen);
    await backend.close();
  });

  it('the first page of a user with 3,000 sessions reads one page of rows through the page index, with no sort', async () => {
    const backend = makeBackend();
    await backend.migrate();
    const { userId, manager } = await fill(backend, 3000);
    for (const cursorPage of [false, true]) {
      const first = await manager.listSessionsPage(userId, { limit: 10 });
      backend.sent.length = 0;
      const page = await manager.listSessionsPage(userId, { limit: 10, cursor: cursorPage ? first.next : null });
      expect(page.sessions).toHaveLength(10);
      expect(page.next).not.toBeNull();
      expect(backend.sent).toHaveLength(1);
      const plan = await backend.plan(backend.sent[0] as Sent);
      expect(plan.indexes.some((name) => name.endsWith('user_page') || name.endsWith('user_page_idx'))).toBe(true);
      expect(plan.sorts).toBe(false);
      if (plan.rowsRead !== null) expect(plan.rowsRead).toBeLessThanOrEqual(16);
    }
    await backend.close();
  });

  it('a database made before the page index gets it on the next migration, and pages through it', async () => {
    const backend = makeBackend();
    await backend.migrate();
    await backend.downgrade();
    const applied = await backend.migrate();
    if (Array.isArray(applied)) expect(applied).toEqual([2]);
    const { userId, manager } = await fill(backend, 300);
    backend.sent.length = 0;
    expect((await manager.listSessionsPage(userId, { limit: 10 })).sessions).toHaveLength(10);
    const plan = await backend.plan(backend.sent.at(-1) as Sent);
    expect(plan.indexes.some((name) => name.includes('user_page'))).toBe(true);
    await backend.close();
  });
});
