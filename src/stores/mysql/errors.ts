import { CustosError } from '../../errors.js';

/**
 * mysql2 errors carry the statement (`sql`) and MySQL's message, which quotes the offending value
 * ("Duplicate entry '<handle>' for key ..."). The core keeps store errors as `cause` and
 * operators log them, so nothing from a driver error travels on except its code (OWASP Logging
 * Cheat Sheet: no session identifiers in logs). Failures are sorted into three kinds:
 *
 * - the server cannot be reached or dropped the connection → `STORE_UNAVAILABLE` (the outage the
 *   core answers with 503 and the CLI with exit code 2);
 * - the server refused a value (too long, out of range) → `INVALID_RECORD`: bad input is the
 *   caller's mistake, and reporting it as an outage would page the wrong person;
 * - anything else (a missing table, a deadlock) → a plain `MysqlStoreError` naming the code.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'POOL_CLOSED',
]);

/** Server errors that mean "not serving now": too many connections, shutting down, killed, denied. */
const UNAVAILABLE_ERRNOS = new Set([1040, 1045, 1049, 1053, 1077, 1080, 1152, 1158, 1159, 1160, 1161, 1927, 4031]);

/** Server errors about a value: data too long, wrong value, out of range, NULL where none is allowed. */
const INPUT_ERRNOS = new Set([1048, 1264, 1292, 1366, 1406]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  message?: unknown;
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof CustosError) return error.code === 'STORE_UNAVAILABLE';
  const e = (error ?? {}) as DriverError;
  return (
    e.fatal === true ||
    (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) ||
    (typeof e.errno === 'number' && UNAVAILABLE_ERRNOS.has(e.errno))
  );
}

/** The error the store throws in place of a driver error. */
export function storeError(error: unknown): Error {
  if (error instanceof CustosError) return error;
  const e = (error ?? {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : 'unknown failure';
  if (isUnavailable(error)) {
    return new CustosError('STORE_UNAVAILABLE', `mysql store: the server cannot be reached (${code})`);
  }
  if (typeof e.errno === 'number' && INPUT_ERRNOS.has(e.errno)) {
    return new CustosError('INVALID_RECORD', `mysql store: the server refused a value (${code})`);
  }
  const plain = new Error(`mysql store: ${code}`);
  plain.name = 'MysqlStoreError';
  return plain;
}

/** Runs a driver call and rethrows its failure as `storeError` would. */
export async function guarded<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw storeError(error);
  }
}
