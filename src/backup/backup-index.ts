// The backups table: the index of what is in backup storage, newest first per environment.
import type { Db } from '../store/db.js';
import type { BackupManifest } from './manifest.js';

export interface BackupRow {
  id: string;
  env: string;
  status: 'complete' | 'failed' | 'pruned';
  path: string | null;
  storage: string;
  run_id: string | null;
  taken_at: Date | null;
  created_at: Date;
  size_bytes: number | null;
  sha256: string | null;
  manifest: BackupManifest | null;
  error: string | null;
}

export interface NewBackup {
  id: string;
  env: string;
  status: 'complete' | 'failed';
  path?: string;
  storage: string;
  runId?: string;
  takenAt?: string;
  createdAt: Date;
  manifest?: BackupManifest;
  error?: string;
}

export async function recordBackup(db: Db, backup: NewBackup): Promise<void> {
  await db.query(
    `insert into backups (id, env, status, path, storage, run_id, taken_at, created_at, size_bytes, sha256, manifest, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)`,
    [
      backup.id,
      backup.env,
      backup.status,
      backup.path ?? null,
      backup.storage,
      backup.runId ?? null,
      backup.takenAt ?? null,
      backup.createdAt.toISOString(),
      backup.manifest?.sizeBytes ?? null,
      backup.manifest?.sha256 ?? null,
      backup.manifest ? JSON.stringify(backup.manifest) : null,
      backup.error ?? null,
    ],
  );
}

/** The newest complete backup of env: what a drill restores. */
export async function newestBackup(db: Db, env: string): Promise<BackupRow | undefined> {
  const [row] = await db.query<BackupRow>(
    `select * from backups where env = $1 and status = 'complete' order by created_at desc, id desc limit 1`,
    [env],
  );
  return row && { ...row, size_bytes: row.size_bytes === null ? null : Number(row.size_bytes) };
}

/** Complete backups of env created before cutoff, except the newest one, which is never pruned. */
export async function expiredBackups(db: Db, env: string, cutoff: Date): Promise<BackupRow[]> {
  return db.query<BackupRow>(
    `select * from backups b where env = $1 and status = 'complete' and created_at < $2
        and id <> (select id from backups where env = $1 and status = 'complete' order by created_at desc, id desc limit 1)
      order by created_at`,
    [env, cutoff.toISOString()],
  );
}

export async function markPruned(db: Db, id: string, at: Date): Promise<void> {
  await db.query(`update backups set status = 'pruned', pruned_at = $2 where id = $1`, [id, at.toISOString()]);
}

/** The last backup of env that is not pruned, complete or failed: its result and age, as the App Home shows them. */
export async function latestBackupAttempt(db: Db, env: string): Promise<{ at: Date; status: string } | undefined> {
  const [row] = await db.query<{ at: Date; status: string }>(
    `select coalesce(taken_at, created_at) as at, status from backups where env = $1 and status <> 'pruned'
      order by created_at desc, id desc limit 1`,
    [env],
  );
  return row && { at: new Date(row.at), status: row.status };
}
