/**
 * The slice of a mysql2 promise `Pool` (`mysql2/promise` `createPool`) the store uses. Typed
 * structurally so the store never imports mysql2 at run time (it is an optional peer dependency):
 * a mysql2 promise pool satisfies it as is.
 */
export type MysqlRow = Record<string, unknown>;

/** What `execute` resolves to: rows for a SELECT, a header with `affectedRows` for a write. */
export type MysqlResult = MysqlRow[] | { affectedRows: number };

/** The values the store binds: strings, epoch-millisecond numbers and NULL. */
export type SqlValue = string | number | null;

export interface MysqlQueryable {
  /** A prepared statement: every value travels as a bind parameter, never spliced into SQL text. */
  execute(sql: string, values?: SqlValue[]): Promise<[unknown, unknown]>;
  /** Text protocol, for statements without values (DDL, BEGIN) that cannot be prepared. */
  query(sql: string, values?: SqlValue[]): Promise<[unknown, unknown]>;
}

/** A connection checked out of the pool, for the operations that need one session (transactions, locks). */
export interface MysqlConnectionLike extends MysqlQueryable {
  release(): void;
  /** Closes the socket instead of returning it: for a connection whose state we no longer trust. */
  destroy(): void;
}

export interface MysqlPoolLike extends MysqlQueryable {
  getConnection(): Promise<MysqlConnectionLike>;
}

export function rowsOf(result: [unknown, unknown]): MysqlRow[] {
  return Array.isArray(result[0]) ? (result[0] as MysqlRow[]) : [];
}

export function affectedRows(result: [unknown, unknown]): number {
  const header = result[0] as { affectedRows?: unknown } | null;
  return Number(header?.affectedRows ?? 0);
}
