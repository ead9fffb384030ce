// Retention: backups older than BACKUP_RETENTION_DAYS go, except the newest of each environment, which always stays.
import type { Deps } from '../deps.js';
import { expiredBackups, markPruned } from './backup-index.js';
import type { BackupStorage } from './storage.js';

/** Runs under the environment's lock (after a backup), so no writer of env is active while partials are swept. */
export async function pruneBackups(
  env: string,
  deps: Pick<Deps, 'config' | 'db' | 'log' | 'now'>,
  storage: BackupStorage,
): Promise<{ pruned: string[]; kept: string[] }> {
  const cutoff = new Date(deps.now().getTime() - deps.config.backup.retentionDays * 86_400_000);
  const removed: string[] = [];
  const kept: string[] = [];
  for (const backup of await expiredBackups(deps.db, env, cutoff)) {
    // A backup another replica wrote to other storage is not ours to remove; it stays indexed.
    if (backup.storage !== storage.location || !backup.path) continue;
    // Under object lock (S3_OBJECT_LOCK_DAYS) nothing is removed before its retention ends: it is kept and said so.
    const until = await storage.retainedUntil(backup.path);
    if (until && until > deps.now()) {
      kept.push(`${backup.path} (locked until ${until.toISOString().slice(0, 10)})`);
      continue;
    }
    await storage.remove(backup.path);
    await markPruned(deps.db, backup.id, deps.now());
    removed.push(backup.path);
  }
  const swept = await storage.sweep(env);
  if (removed.length || swept.length || kept.length) deps.log.info({ env, removed, swept, kept }, 'backups pruned');
  return { pruned: [...removed, ...swept], kept };
}
