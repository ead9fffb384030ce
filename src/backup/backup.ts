// One backup of an environment: pg_dump inside an exported snapshot, with the manifest (counts, checksums, audit
// chain) computed in the same snapshot beside it, published by a rename, indexed, and old backups pruned.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { compactUtc } from '../format.js';
import { randomId } from '../ids.js';
import { maskUrl } from '../redact.js';
import { DrillFailure } from '../targets/connect.js';
import type { DrillTarget } from '../targets/target.js';
import { recordBackup } from './backup-index.js';
import { CHECKSUM_ALGORITHM, listTables } from './checksum.js';
import { COMPRESSION_LEVEL, dumpAndChecksum } from './dump.js';
import { reasonOf, storageProblem } from './failures.js';
import { type BackupManifest, MANIFEST_FILE } from './manifest.js';
import { missingToolProblem, olderClientProblem, toolVersion } from './pg-tools.js';
import { pruneBackups } from './retention.js';
import { s3Storage } from './s3-storage.js';
import { openSnapshot, type SourceSnapshot } from './snapshot.js';
import { type BackupStorage, combinedSha256, listFiles, localStorage, type StagedBackup } from './storage.js';

export type BackupDeps = Pick<Deps, 'config' | 'db' | 'log' | 'now' | 'targets'>;

export interface BackupReport {
  kind: 'backup';
  verdict: 'PASS' | 'FAIL';
  reasons: string[];
  env: string;
  source: string;
  backupId: string;
  storage: string;
  path?: string;
  snapshotAt?: string;
  sizeBytes?: number;
  sha256?: string;
  tableCount?: number;
  rowCount?: number;
  versions: { server?: string; pgDump?: string };
  timings: { dumpMs?: number; checksumMs?: number; totalMs: number };
  /** Backups removed by retention (BACKUP_RETENTION_DAYS), and leftovers of crashed backups. */
  pruned: string[];
  /** Expired backups retention left in place because object lock still holds them. */
  kept: string[];
  startedAt: string;
  finishedAt: string;
}

/** BACKUP_STORAGE=s3://… (its files staged in BACKUP_DIR), or the local folder BACKUP_DIR. */
export function storageFor(config: Deps['config']): BackupStorage {
  const { dir, s3 } = config.backup;
  return s3 ? s3Storage(s3, dir) : localStorage(dir);
}

export async function takeBackup(target: DrillTarget, deps: BackupDeps, runId?: string): Promise<BackupReport> {
  const startedAt = deps.now();
  const started = performance.now();
  const storage = storageFor(deps.config);
  const report: BackupReport = {
    kind: 'backup',
    verdict: 'PASS',
    reasons: [],
    env: target.name,
    source: maskUrl(target.url),
    backupId: randomId('b'),
    storage: storage.location,
    versions: {},
    timings: { totalMs: 0 },
    pruned: [],
    kept: [],
    startedAt: startedAt.toISOString(),
    finishedAt: '',
  };
  let staged: StagedBackup | undefined;
  let snapshot: SourceSnapshot | undefined;
  try {
    const binDir = deps.config.drill.pgBinDir;
    const pgDump = await toolVersion('pg_dump', binDir);
    snapshot = await openSnapshot(target.url, `the source of ${target.name}`);
    report.versions = { server: snapshot.serverVersion, pgDump: pgDump?.text };
    report.snapshotAt = snapshot.takenAt;
    if (!pgDump) throw new DrillFailure(missingToolProblem('pg_dump', binDir, snapshot.serverMajor));
    if (pgDump.major < snapshot.serverMajor)
      throw new DrillFailure(olderClientProblem('pg_dump', pgDump.major, snapshot.serverMajor));
    const tables = await listTables(snapshot.client);
    staged = await storage.stage(`${target.name}/${compactUtc(startedAt)}`).catch((error) => {
      throw new DrillFailure(storageProblem(error, storage));
    });
    const { dumpMs, checksumMs, sums, chain } = await dumpAndChecksum(target, snapshot, staged.dir, tables, binDir);
    await snapshot.close();
    const files = await listFiles(staged.dir);
    const manifest: BackupManifest = {
      version: 1,
      backupId: report.backupId,
      env: target.name,
      source: report.source,
      database: snapshot.database,
      encoding: snapshot.encoding,
      serverVersion: snapshot.serverVersion,
      pgDumpVersion: pgDump.text,
      snapshotAt: snapshot.takenAt,
      format: 'directory',
      compressionLevel: COMPRESSION_LEVEL,
      checksumAlgorithm: CHECKSUM_ALGORITHM,
      tables: sums,
      ...(chain ? { auditChain: chain } : {}),
      files,
      sizeBytes: files.reduce((total, f) => total + f.bytes, 0),
      sha256: combinedSha256(files),
      dumpMs,
      checksumMs,
    };
    await writeFile(join(staged.dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    report.path = await staged.commit();
    staged = undefined;
    await recordBackup(deps.db, {
      id: report.backupId,
      env: target.name,
      status: 'complete',
      path: report.path,
      storage: storage.location,
      runId,
      takenAt: snapshot.takenAt,
      createdAt: startedAt,
      manifest,
    });
    Object.assign(report, {
      sizeBytes: manifest.sizeBytes,
      sha256: manifest.sha256,
      tableCount: sums.length,
      rowCount: sums.reduce((total, t) => total + t.rowCount, 0),
      timings: { dumpMs, checksumMs, totalMs: 0 },
    });
    Object.assign(report, await pruneBackups(target.name, deps, storage));
  } catch (error) {
    const reason = reasonOf(error, storage, `the source of ${target.name}`);
    if (!reason) throw error;
    report.verdict = 'FAIL';
    report.reasons.push(reason);
    await staged?.abort().catch(() => {});
    await recordBackup(deps.db, {
      id: report.backupId,
      env: target.name,
      status: 'failed',
      storage: storage.location,
      runId,
      takenAt: report.snapshotAt,
      createdAt: startedAt,
      error: reason,
    });
  } finally {
    await snapshot?.close();
  }
  report.timings.totalMs = Math.round(performance.now() - started);
  report.finishedAt = deps.now().toISOString();
  deps.log.info(
    { env: target.name, verdict: report.verdict, backupId: report.backupId, ms: report.timings.totalMs },
    'backup finished',
  );
  return report;
}
