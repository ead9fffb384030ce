// Backup and drill reports as alert observations (`backup:<env>`, `drill:<env>`): a single failure opens the alert.
import type { AlertObservation } from '../../alerts/observation.js';
import type { BackupReport } from '../../backup/backup.js';
import type { DrillReport } from '../../drill/report.js';
import { mrkdwnInline, plain } from '../escape.js';

export function backupObservation(report: BackupReport, runId: string, serviceName: string): AlertObservation {
  const { env } = report;
  return {
    key: `backup:${env}`,
    failing: report.verdict === 'FAIL',
    failureThreshold: 1,
    title: `🚨 ${serviceName} ${env} backup failed`,
    lines: report.reasons.length ? report.reasons.map(mrkdwnInline) : [`Backup ${report.backupId} of ${env} failed.`],
    url: report.source,
    runId,
    tips: [
      `Run \`opsbot backup ${env}\` to try again and see the error`,
      'Check that the source accepts connections and that BACKUP_DIR has free space',
      'Until a backup succeeds, the newest good one is kept whatever its age',
    ],
    email: {
      subject: `🚨 ${serviceName} ${env}: Backup Failed`,
      text: [
        `The ${env} backup of ${serviceName} failed (run ${runId}).`,
        '',
        ...report.reasons.map(plain),
        '',
        `Source: ${report.source}`,
        `Started at ${report.startedAt}.`,
      ].join('\n'),
    },
  };
}

export function drillObservation(report: DrillReport, runId: string, serviceName: string): AlertObservation {
  const { env } = report;
  return {
    key: `drill:${env}`,
    failing: report.verdict === 'FAIL',
    failureThreshold: 1,
    title: `🚨 ${serviceName} ${env} restore drill failed`,
    lines: report.reasons.map(mrkdwnInline),
    url: report.source,
    runId,
    tips: [
      `Run \`/drill restore ${env}\` to repeat it; the report is on run ${runId}`,
      'A sha256 mismatch means the stored dump changed: take a new backup and find out why',
      'A table mismatch means the restore is not faithful: compare the table in source and backup',
    ],
    email: {
      subject: `🚨 ${serviceName} ${env}: Restore Drill Failed`,
      text: [
        `The ${env} restore drill of ${serviceName} failed (run ${runId}).`,
        '',
        ...report.reasons.map(plain),
        '',
        `Backup: ${report.backup?.id ?? 'none'}`,
        `Finished at ${report.finishedAt}.`,
      ].join('\n'),
    },
  };
}

/** A scheduled backup or drill that could not even start (configuration, a lock held too long, a fault of opsbot's). */
export function refusedObservation(
  kind: 'backup' | 'drill',
  env: string,
  problem: string,
  serviceName: string,
): AlertObservation {
  const what = kind === 'backup' ? 'backup' : 'restore drill';
  return {
    key: `${kind}:${env}`,
    failing: true,
    failureThreshold: 1,
    title: `🚨 ${serviceName} ${env} ${what} failed`,
    lines: [mrkdwnInline(problem)],
    tips: [
      kind === 'backup' ? `Run \`opsbot backup ${env}\` to try again` : `Run \`/drill restore ${env}\` to try again`,
    ],
    email: {
      subject: `🚨 ${serviceName} ${env}: ${kind === 'backup' ? 'Backup' : 'Restore Drill'} Failed`,
      text: `The scheduled ${what} of ${env} could not run:\n\n${plain(problem)}`,
    },
  };
}
