// A restore drill of one environment: newest backup (taken first when there is none), integrity, restore into
// opsbot_drill_<run id>, verification against the manifest, smoke checks, and the drop, always, whatever happened.

import { storageFor, takeBackup } from '../backup/backup.js';
import { type BackupRow, newestBackup } from '../backup/backup-index.js';
import { reasonOf } from '../backup/failures.js';
import { formatAge, formatBytes } from '../format.js';
import { maskSecrets, maskUrl } from '../redact.js';
import { DrillFailure } from '../targets/connect.js';
import { type DrillTarget, drillServerFor } from '../targets/target.js';
import { drillDatabaseName, dropDrillDatabase } from './ephemeral.js';
import { type DrillProgress, type DrillReport, initialPhases, type PhaseName } from './report.js';
import { checkIntegrity, type DrillDeps, restoreBackup, type StepResult, smokeTarget, verifyRestore } from './steps.js';

export type { DrillDeps };

const TIMING: Partial<Record<PhaseName, keyof DrillReport['timings']>> = {
  integrity: 'integrityMs',
  restore: 'restoreMs',
  verify: 'verifyMs',
  smoke: 'smokeMs',
  cleanup: 'cleanupMs',
};

export async function runDrill(
  target: DrillTarget,
  deps: DrillDeps,
  options: { runId: string; onProgress?: DrillProgress },
): Promise<DrillReport> {
  const { runId } = options;
  const started = performance.now();
  const storage = storageFor(deps.config);
  const server = drillServerFor(target, deps.config);
  const name = drillDatabaseName(runId);
  const report: DrillReport = {
    kind: 'drill',
    verdict: 'PASS',
    reasons: [],
    runId,
    env: target.name,
    source: maskUrl(target.url),
    drillServer: maskUrl(server.url),
    drillDatabase: name,
    versions: {},
    tables: [],
    phases: initialPhases(),
    timings: { totalMs: 0 },
    databaseCreated: false,
    databaseDropped: false,
    startedAt: deps.now().toISOString(),
    finishedAt: '',
  };
  const emit = async () => {
    try {
      await options.onProgress?.(structuredClone(report));
    } catch (error) {
      deps.log.warn({ err: error, runId }, 'drill progress could not be shown');
    }
  };
  const phase = (phaseName: PhaseName) => report.phases.find((p) => p.name === phaseName)!;
  async function step<T extends StepResult>(phaseName: PhaseName, fn: () => Promise<T>): Promise<T> {
    const current = phase(phaseName);
    current.status = 'running';
    await emit();
    const at = performance.now();
    try {
      const result = await fn();
      current.status = result.problems?.length
        ? 'failed'
        : (result as { skipped?: boolean }).skipped
          ? 'skipped'
          : 'done';
      current.detail = result.detail;
      report.reasons.push(...(result.problems ?? []));
      return result;
    } catch (error) {
      current.status = 'failed';
      throw error;
    } finally {
      current.ms = Math.round(performance.now() - at);
      const timing = TIMING[phaseName];
      if (timing) report.timings[timing] = current.ms;
      await emit();
    }
  }

  let created = false;
  let openedPath: string | undefined;
  try {
    const { backup } = await step('backup', () =>
      pickBackup(target, deps, runId, report, async (detail) => {
        phase('backup').detail = detail;
        await emit();
      }),
    );
    const manifest = backup.manifest!;
    openedPath = backup.path ?? undefined;
    const { dir } = await step('integrity', () => checkIntegrity(backup, storage));
    report.backup!.sha256Verified = true;
    const { url } = await step('restore', () =>
      restoreBackup(manifest, dir, target, server, runId, deps, report, () => {
        created = true;
        report.databaseCreated = true;
      }),
    );
    await step('verify', () => verifyRestore(deps.targets, url, manifest, report));
    report.timings.recoveryMs = (report.timings.restoreMs ?? 0) + (report.timings.verifyMs ?? 0);
    await step('smoke', () => smokeTarget(target, deps, report));
  } catch (error) {
    report.reasons.push(failureReason(error, deps, runId, storage));
  } finally {
    if (created) await cleanup();
    // A backup read back from object storage was copied to BACKUP_DIR for pg_restore: that copy goes now.
    if (openedPath) await storage.close(openedPath).catch(() => {});
    for (const p of report.phases) if (p.status === 'pending') p.status = 'skipped';
  }

  async function cleanup() {
    await step('cleanup', async () => {
      await dropDrillDatabase(deps, server.url, runId, name);
      report.databaseDropped = true;
      return { detail: `dropped \`${name}\`` };
    }).catch((error) => {
      phase('cleanup').detail = 'the janitor drops it within a minute';
      report.reasons.push(
        `Could not drop ${name}: ${maskSecrets((error as Error).message)}; the janitor retries every minute.`,
      );
    });
  }

  report.verdict = report.reasons.length ? 'FAIL' : 'PASS';
  report.timings.totalMs = Math.round(performance.now() - started);
  report.finishedAt = deps.now().toISOString();
  deps.log.info({ runId, env: target.name, verdict: report.verdict, ms: report.timings.totalMs }, 'drill finished');
  return report;
}

function failureReason(error: unknown, deps: DrillDeps, runId: string, storage: ReturnType<typeof storageFor>): string {
  const reason = reasonOf(error, storage, 'the database');
  if (reason) return reason;
  // A fault of opsbot's own still ends in a FAIL (and the drop): evidence must never be missing a verdict.
  deps.log.error({ err: error, runId }, 'drill failed with an error in opsbot');
  return `opsbot failed during the drill: ${maskSecrets((error as Error)?.message ?? String(error))} (details in its log, run ${runId}).`;
}

async function pickBackup(
  target: DrillTarget,
  deps: DrillDeps,
  runId: string,
  report: DrillReport,
  say: (detail: string) => Promise<void>,
): Promise<StepResult & { backup: BackupRow }> {
  let backup = await newestBackup(deps.db, target.name);
  const takenNow = !backup;
  if (!backup) {
    await say(`No backup of ${target.name} yet: taking one first`);
    const taken = await takeBackup(target, deps, runId);
    report.timings.backupMs = taken.timings.totalMs;
    if (taken.verdict === 'FAIL') {
      throw new DrillFailure(
        `No backup of ${target.name} existed, so the drill took one first, and that failed: ${taken.reasons.join(' ')}`,
      );
    }
    backup = await newestBackup(deps.db, target.name);
    if (!backup) throw new Error('the backup just taken is not in the index');
  }
  const manifest = backup.manifest!;
  const ageSeconds = Math.max(0, Math.round((deps.now().getTime() - Date.parse(manifest.snapshotAt)) / 1000));
  report.backup = {
    id: backup.id,
    path: backup.path ?? '',
    storage: backup.storage,
    takenAt: manifest.snapshotAt,
    ageSeconds,
    sizeBytes: manifest.sizeBytes,
    sha256: manifest.sha256,
    sha256Verified: false,
    takenForThisDrill: takenNow,
  };
  report.versions.server = manifest.serverVersion;
  report.versions.pgDump = manifest.pgDumpVersion;
  report.timings.backupAgeSeconds = ageSeconds;
  const rows = manifest.tables.reduce((total, t) => total + t.rowCount, 0);
  return {
    backup,
    detail:
      `${takenNow ? 'No backup existed, so took ' : ''}\`${backup.id}\` of ${manifest.snapshotAt.slice(0, 16).replace('T', ' ')} UTC ` +
      `(${formatAge(ageSeconds)} old) · ${formatBytes(manifest.sizeBytes)} · ${manifest.tables.length} tables, ` +
      `${rows.toLocaleString('en-US')} rows`,
  };
}
