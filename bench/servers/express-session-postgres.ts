import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import session from 'express-session';
import { BENCH_SECRET, serve, uniqueName } from './common.js';
import { expressApp, expressSessionOps } from './express-app.js';
import { countingPgPool } from './pg-pool.js';

type StoreFactory = (s: typeof session) => new (options: object) => session.Store;
const connectPgSimple = createRequire(import.meta.url)('connect-pg-simple') as StoreFactory;

/** express-session over connect-pg-simple 10, on the same pool size as custos's postgresStore. */
await serve(async () => {
  const { pool, queries } = countingPgPool();
  const schema = uniqueName('es_pg');
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const store = new (connectPgSimple(session))({
    pool,
    schemaName: schema,
    createTableIfMissing: true,
    // No prune query during a measured window.
    pruneSessionInterval: false,
  });
  const middleware = session({ secret: BENCH_SECRET, resave: false, saveUninitialized: false, store });
  return {
    server: createServer(expressApp([middleware], expressSessionOps)),
    stats: () => ({ commands: queries() }),
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
});
