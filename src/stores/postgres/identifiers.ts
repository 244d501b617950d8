import { CustosError } from '../../errors.js';

/**
 * Schema and table names are spliced into SQL text (identifiers cannot be bind parameters), so they
 * are restricted to plain lowercase identifiers and quoted. A bad name is a configuration error and
 * throws at construction (STYLE: configuration errors throw at startup).
 */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

export function assertIdentifier(option: string, value: string): string {
  if (!PLAIN_IDENTIFIER.test(value)) {
    throw new CustosError(
      'INVALID_OPTION',
      `postgresStore: \`${option}\` must be a lowercase SQL identifier (a-z, 0-9, _; at most 48 characters)`,
    );
  }
  return value;
}

/** Fully qualified, quoted names of every relation the store owns. */
export interface TableNames {
  readonly schema: string;
  readonly sessions: string;
  readonly epoch: string;
  readonly migrations: string;
  /** Bare (unqualified) prefix used to name indexes. */
  readonly indexPrefix: string;
  /** Key for the advisory lock that serialises `migrate()` across app instances. */
  readonly lockKey: string;
}

export function tableNames(schema: string, table: string): TableNames {
  const q = (name: string) => `"${schema}"."${name}"`;
  return {
    schema: `"${schema}"`,
    sessions: q(table),
    epoch: q(`${table}_epoch`),
    migrations: q(`${table}_migrations`),
    indexPrefix: table,
    // Per schema, so two stores creating tables in one new schema do not race on CREATE SCHEMA.
    lockKey: `custos:migrate:${schema}`,
  };
}
