import { DEADLOCK_ATTEMPTS, isDeadlock } from './deadlock.js';
import { storeError } from './errors.js';
import type { MysqlConnectionLike, MysqlPoolLike } from './pool.js';

/**
 * Runs `work` between BEGIN and COMMIT on one pooled connection. If the work or the COMMIT fails
 * and the ROLLBACK fails too, the connection is in an unknown state (possibly mid-transaction,
 * holding row locks), so it is destroyed rather than handed to the next caller.
 */
export async function inTransaction<T>(
  pool: MysqlPoolLike,
  options: { retryDeadlocks: boolean },
  work: (connection: MysqlConnectionLike) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(pool, work);
    } catch (error) {
      // InnoDB has already rolled the victim back whole; running it again is the documented answer.
      if (!options.retryDeadlocks || attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw storeError(error);
    }
  }
}

/** One BEGIN ... COMMIT; rethrows the driver's own error (the caller classifies it). */
async function once<T>(pool: MysqlPoolLike, work: (connection: MysqlConnectionLike) => Promise<T>): Promise<T> {
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    const result = await work(connection);
    await connection.query('COMMIT');
    connection.release();
    return result;
  } catch (error) {
    const rolledBack = await connection.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    if (rolledBack) connection.release();
    else connection.destroy();
    throw error;
  }
}
