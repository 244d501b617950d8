import { afterEach, beforeEach, describe, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { nextTable, pool, schema } from './postgres-fixture.js';

runStoreConformance(
  'postgres',
  async () => {
    const table = nextTable('c');
    const store = postgresStore({ pool, schema, table });
    await store.migrate();
    const cleanup = async () => {
      await pool.query(
        `DROP TABLE "${schema}"."${table}", "${schema}"."${table}_epoch", "${schema}"."${table}_migrations"`,
      );
    };
    return { store, cleanup };
  },
  { describe, it, beforeEach, afterEach },
);
