import { CustosError } from '../../errors.js';

/**
 * Table names are spliced into SQL text (identifiers cannot be bind parameters), so they are
 * restricted to plain lowercase identifiers and quoted with backticks. Lowercase because MySQL
 * folds table names to the file system's case on some platforms (lower_case_table_names), and
 * at most 48 characters so `<table>_migrations` stays under MySQL's 64-character limit. A bad
 * name is a configuration error and throws at construction.
 */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

export function assertTable(value: string): string {
  if (typeof value !== 'string' || !PLAIN_IDENTIFIER.test(value)) {
    throw new CustosError(
      'INVALID_OPTION',
      'mysqlStore: `table` must be a lowercase SQL identifier (a-z, 0-9, _; at most 48 characters)',
    );
  }
  return value;
}

/** Quoted names of every table the store owns, in the connection's current database. */
export interface TableNames {
  readonly table: string;
  readonly sessions: string;
  readonly epoch: string;
  readonly migrations: string;
}

export function tableNames(table: string): TableNames {
  return {
    table,
    sessions: `\`${table}\``,
    epoch: `\`${table}_epoch\``,
    migrations: `\`${table}_migrations\``,
  };
}
