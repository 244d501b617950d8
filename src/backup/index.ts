export { BackupFileError, type BackupProblem } from './errors.js';
export { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, type BackupTrailer } from './format.js';
export { type BackupSummary, readBackupRecords, verifyBackupFile } from './read.js';
export { type BackupResult, backupStore, type RestoreOptions, type RestoreResult, restoreStore } from './restore.js';
export { type ExportOptions, exportSessions, type ImportOptions, importSessions } from './sessions.js';
export { type WriteBackupOptions, writeBackupFile } from './write.js';
