// The failures people meet running backups and drills, each as a sentence that says what happened and what to do.
import { maskSecrets, maskUrl } from '../redact.js';
import type { DrillServer, DrillTarget } from '../targets/target.js';
import type { ToolResult } from './pg-tools.js';
import { missingToolProblem } from './pg-tools.js';
import type { BackupStorage } from './storage.js';

/** The last few lines of a tool's stderr: where pg_dump and pg_restore put the error that stopped them. */
export function tail(stderr: string, lines = 6): string {
  const kept = stderr
    .split('\n')
    .filter((line) => line.trim())
    .slice(-lines)
    .join('\n');
  return kept || '(no message)';
}

export function dumpProblem(result: ToolResult, target: DrillTarget, binDir: string | undefined): string {
  if (result.missing) return missingToolProblem('pg_dump', binDir);
  const said = tail(result.stderr);
  if (/No space left on device|could not write/i.test(said)) {
    return `The disk holding BACKUP_DIR is full: pg_dump stopped with "${said}". Free space there or lower BACKUP_RETENTION_DAYS; the partial backup was removed.`;
  }
  if (/permission denied/i.test(said)) {
    return `pg_dump may not read everything in ${target.urlVar} (${maskUrl(target.url)}): "${said}". Grant the role SELECT on every table (e.g. GRANT pg_read_all_data TO …).`;
  }
  return `pg_dump failed (exit ${result.code ?? 'killed'}): ${said}`;
}

export function restoreProblem(result: ToolResult, binDir: string | undefined): string {
  if (result.missing) return missingToolProblem('pg_restore', binDir);
  return `pg_restore failed (exit ${result.code ?? 'killed'}), so the backup does not restore as it is: ${tail(result.stderr)}`;
}

/** CREATE DATABASE refused or failed on the drill server. */
export function createProblem(error: unknown, server: DrillServer): string {
  const e = error as { code?: string; message?: string };
  const where = `${server.urlVar} (${maskUrl(server.url)})`;
  if (e.code === '42501') {
    return `The role in ${where} may not create databases: give it CREATEDB (ALTER ROLE … CREATEDB), or set DRILL_DATABASE_URL to a server where opsbot may create its throw-away drill databases.`;
  }
  return `Cannot create the drill database on ${where}: ${maskSecrets(e.message ?? String(error))}.`;
}

/** A file-system error while writing or reading backup storage (full, not allowed, read-only) as a reason. */
export function storageProblem(error: unknown, storage: BackupStorage): string {
  const e = error as NodeJS.ErrnoException & { reason?: string };
  // Object storage says itself what went wrong (bucket, credentials, object lock).
  if (e?.name === 'DrillFailure' && e.reason) return e.reason;
  const where = `BACKUP_DIR (${storage.location})`;
  if (e?.code === 'ENOSPC')
    return `The disk holding ${where} is full. Free space there or lower BACKUP_RETENTION_DAYS; the partial backup was removed.`;
  if (e?.code === 'EACCES' || e?.code === 'EPERM')
    return `opsbot may not write to ${where}: ${e.message}. Give its user write access to that folder.`;
  if (e?.code === 'EROFS') return `${where} is on a read-only file system: point BACKUP_DIR at writable storage.`;
  return `Cannot write to ${where}: ${maskSecrets(e?.message ?? String(error))}.`;
}

/**
 * The reason for an error met during a backup or drill: a DrillFailure's own, a file-system or database error in
 * words; undefined for anything else, which is a fault of opsbot's and is rethrown.
 */
export function reasonOf(error: unknown, storage: BackupStorage, database: string): string | undefined {
  const e = error as NodeJS.ErrnoException & { reason?: string; severity?: string };
  if (e?.name === 'DrillFailure' && e.reason) return e.reason;
  if (e?.syscall) return storageProblem(error, storage);
  if (e?.severity) return `${database} answered with an error: ${maskSecrets(e.message)}.`;
  if (/Connection terminated|ECONNRESET/i.test(e?.message ?? ''))
    return `The connection to ${database} was lost: ${maskSecrets(e.message)}.`;
  return undefined;
}
