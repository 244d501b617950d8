/** Why a backup file was refused. Nothing is written to any store when one of these is thrown. */
export type BackupProblem = 'unreadable' | 'foreign' | 'unsupported-version' | 'truncated' | 'corrupted';

/**
 * A backup file that cannot be trusted as a whole. Restores check the entire file before the
 * first write, so this error always means "the store was not touched".
 */
export class BackupFileError extends Error {
  readonly code = 'INVALID_BACKUP';
  readonly problem: BackupProblem;

  constructor(problem: BackupProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupFileError';
    this.problem = problem;
  }
}
