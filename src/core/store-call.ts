import { CustosError } from '../errors.js';
import type { EventListener } from './events.js';
import { safeEmit } from './events.js';

/**
 * Runs one store operation with a deadline. A store that errors or does not answer in time
 * fails closed with `STORE_UNAVAILABLE` (503), never a hang and never a fallback (decision 8).
 * The cause is kept for the operator; the message names no connection string or data.
 */
export async function callStore<T>(
  operation: string,
  timeoutMs: number,
  work: () => Promise<T>,
  onEvent: EventListener | undefined,
  clock: () => number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new CustosError('STORE_UNAVAILABLE', `session store did not answer ${operation} within ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        timer.unref?.();
      }),
    ]);
  } catch (error) {
    safeEmit(onEvent, { type: 'store-error', at: clock(), reason: operation });
    if (error instanceof CustosError && error.code === 'STORE_UNAVAILABLE') throw error;
    throw new CustosError('STORE_UNAVAILABLE', `session store failed during ${operation}`, { cause: error });
  } finally {
    if (timer) clearTimeout(timer);
  }
}
