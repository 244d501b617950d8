import type { PgClientLike, PgPoolLike } from './pool.js';

/**
 * Runs `work` inside BEGIN/COMMIT on one pooled client. While we hold the client, pg does not route
 * its connection errors to the pool's 'error' listener; a backend killed between two statements
 * would then emit 'error' on the client with nobody listening and crash the process. So we listen
 * ourselves for as long as we hold it, and hand the client back with the error so pg discards it
 * instead of reusing a dead connection.
 */
export async function inTransaction<T>(pool: PgPoolLike, work: (client: PgClientLike) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let connectionError: Error | undefined;
  const onError = (error: Error) => {
    connectionError = error;
  };
  client.on?.('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    release(client, onError, connectionError);
    return result;
  } catch (error) {
    // A failed ROLLBACK means the connection is gone; either way the original error is the story.
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    release(client, onError, rolledBack ? connectionError : (connectionError ?? asError(error)));
    throw error;
  }
}

function release(client: PgClientLike, onError: (error: Error) => void, error: Error | undefined): void {
  client.off?.('error', onError);
  client.release(error);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error('postgres transaction failed');
}
