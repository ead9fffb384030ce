// Retention: backups older than BACKUP_RETENTION_DAYS go, except the newest of each environment, which always stays.
import type { Deps } from '../deps.js';
import { expiredBackups, markPruned } from './backup-index.js';
import type { BackupStorage } from './storage.js';

/** Runs under the environment's lock (after a backup), so no writer of env is active while partials are swept. */
export async function pruneBackups(
  env: string,
  deps: Pick<Deps, 'config' | 'db' | 'log' | 'now'>,
  storage: BackupStorage,
): Promise<string[]> {
  const cutoff = new Date(deps.now().getTime() - deps.config.backup.retentionDays * 86_400_000);
  const removed: string[] = [];
  for (const backup of await expiredBackups(deps.db, env, cutoff)) {
    // A backup another replica wrote to other storage is not ours to remove; it stays indexed.
    if (backup.storage !== storage.location || !backup.path) continue;
    await storage.remove(backup.path);
    await markPruned(deps.db, backup.id, deps.now());
    removed.push(backup.path);
  }
  const swept = await storage.sweep(env);
  if (removed.length || swept.length) deps.log.info({ env, removed, swept }, 'backups pruned');
  return [...removed, ...swept];
}
