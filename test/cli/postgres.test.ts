import { dropSchema, TEST_PG_URL, testPool, uniqueSchema } from '../helpers/postgres.js';
import { restoreRevocationScenarios } from './restore-scenarios.js';
import { cliScenarios } from './scenarios.js';

const target = async () => {
  const schema = uniqueSchema('cli');
  return {
    url: `${TEST_PG_URL}?schema=${schema}`,
    cleanup: async () => {
      const pool = testPool({ max: 1 });
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
};

cliScenarios('postgres', target);
restoreRevocationScenarios('postgres', target);
