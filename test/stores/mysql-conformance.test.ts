import { afterEach, beforeEach, describe, it } from 'vitest';
import { mysqlStore } from '../../src/stores/mysql/index.js';
import { runStoreConformance } from '../../src/testing/store-conformance.js';
import { dropTables } from '../helpers/mysql.js';
import { nextTable, pool } from './mysql-fixture.js';

runStoreConformance(
  'mysql',
  async () => {
    const table = nextTable('c');
    const store = mysqlStore({ pool, table });
    await store.migrate();
    return { store, cleanup: () => dropTables(pool, table) };
  },
  { describe, it, beforeEach, afterEach },
);
