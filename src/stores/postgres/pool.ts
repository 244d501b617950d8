/**
 * The slice of a node-postgres `Pool` the store uses. Typed structurally so the store never imports
 * `pg` at run time (it is an optional peer dependency): a `pg.Pool` satisfies it as is.
 */
export interface PgQueryResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
}

/** A client checked out of the pool, for the few operations that need a transaction. */
export interface PgClientLike extends PgQueryable {
  /** Passing an error makes pg destroy the client instead of returning it to the pool. */
  release(error?: Error | boolean): void;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgClientLike>;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}
