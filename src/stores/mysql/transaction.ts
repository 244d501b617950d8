import { storeError } from './errors.js';
import type { MysqlConnectionLike, MysqlPoolLike } from './pool.js';

/**
 * Runs `work` between BEGIN and COMMIT on one pooled connection. If the work or the COMMIT fails
 * and the ROLLBACK fails too, the connection is in an unknown state (possibly mid-transaction,
 * holding row locks), so it is destroyed rather than handed to the next caller.
 */
export async function inTransaction<T>(
  pool: MysqlPoolLike,
  work: (connection: MysqlConnectionLike) => Promise<T>,
): Promise<T> {
  let connection: MysqlConnectionLike;
  try {
    connection = await pool.getConnection();
  } catch (error) {
    throw storeError(error);
  }
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
    throw storeError(error);
  }
}
