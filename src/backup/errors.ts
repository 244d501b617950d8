import { CustosError } from '../errors.js';

/** Why a backup file was refused. Nothing is written to any store when one of these is thrown. */
export type BackupProblem = 'unreadable' | 'foreign' | 'unsupported-version' | 'truncated' | 'corrupted';

/**
 * A backup file that cannot be trusted as a whole. Restores check the entire file before the
 * first write, so this error always means "the store was not touched".
 *
 * @example
 * ```ts
 * import { BackupFileError, restoreStore } from 'custos/backup';
 *
 * try {
 *   await restoreStore(store, 'sessions.backup', { keepRevocations: true });
 * } catch (error) {
 *   if (error instanceof BackupFileError) console.error(`backup refused (${error.problem}); the store is unchanged`);
 *   else throw error;
 * }
 * ```
 */
export class BackupFileError extends CustosError {
  readonly problem: BackupProblem;

  constructor(problem: BackupProblem, message: string, options?: { cause?: unknown }) {
    // A CustosError like every other custos failure (one code union): bad input, so 400.
    super('INVALID_BACKUP', message, { cause: options?.cause, status: 400 });
    this.name = 'BackupFileError';
    this.problem = problem;
  }
}
