import { createServer } from 'node:http';
import { sessions } from '../../src/adapters/express.js';
import type { SessionStore } from '../../src/stores/contract.js';
import { optionalModule, serve, uniqueName } from './common.js';
import { benchManager } from './custos-manager.js';
import { custosOps, expressApp } from './express-app.js';
import { countingPgPool } from './pg-pool.js';

type PgStore = SessionStore & { migrate(): Promise<void> };

await serve(async () => {
  const { postgresStore } = await optionalModule<{ postgresStore(o: object): PgStore }>('src/stores/postgres/index');
  const { pool, queries } = countingPgPool();
  const schema = uniqueName('pg');
  const store = postgresStore({ pool, schema });
  await store.migrate();
  return {
    server: createServer(expressApp([sessions(benchManager(store))], custosOps)),
    stats: () => ({ commands: queries() }),
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
});
