import { BackupFileError } from '../backup/errors.js';
import { isCustosError } from '../errors.js';

/** 0 success, 1 bad usage or refused input, 2 the store cannot be reached. */
export const EXIT = { ok: 0, usage: 1, unreachable: 2 } as const;

/** A mistake in how the command was called; the message says what to do instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The exit code and the one line for stderr that an error deserves (never a stack trace). */
export function describeFailure(error: unknown): { code: number; line: string } {
  if (isCustosError(error, 'STORE_UNAVAILABLE')) return { code: EXIT.unreachable, line: error.message };
  if (error instanceof BackupFileError) {
    return { code: EXIT.usage, line: `restore refused, nothing was changed: ${error.message}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: EXIT.usage, line: message.split('\n')[0] || 'failed' };
}
