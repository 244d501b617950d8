/**
 * InnoDB resolves a deadlock by rolling back one of the transactions involved, whole, and
 * expects the application to run it again ("always be prepared to re-issue a transaction if it
 * fails due to deadlock", MySQL Reference Manual 17.7.5.3). Two app instances purging while a
 * third destroys a user's sessions can meet that way; a retry is the normal answer, so the store
 * retries a few times before the failure reaches the caller as a store error.
 */
const ER_LOCK_DEADLOCK = 1213;
export const DEADLOCK_ATTEMPTS = 3;

export function isDeadlock(error: unknown): boolean {
  return (error as { errno?: unknown } | null)?.errno === ER_LOCK_DEADLOCK;
}

/** Runs `work` again while InnoDB picks it as a deadlock victim, at most `DEADLOCK_ATTEMPTS` times. */
export async function retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}
