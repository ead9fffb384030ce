// Backups and restore drills as operations: one lock per environment (a backup and a drill of one environment never
// overlap, since a drill may take a backup first), a run record, and `backup.run` / `drill.restore` audited.
import { type BackupReport, takeBackup } from '../backup/backup.js';
import type { Deps } from '../deps.js';
import { runDrill } from '../drill/drill.js';
import type { DrillReport } from '../drill/report.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { DrillTarget } from '../targets/target.js';
import type { OperationSpec } from './spec.js';

export type DrillDeps = Pick<Deps, 'config' | 'db' | 'log' | 'now' | 'fetch' | 'targets'>;
export interface EnvironmentRun {
  trigger: RunTrigger;
  actor?: Actor;
  /** How long to wait for the environment's lock (the schedule waits; people are told at once). */
  waitMs?: number;
}

export const environmentLock = (env: string) => `drill:${env}`;
const verdictOf = (report: { verdict: 'PASS' | 'FAIL' }) => (report.verdict === 'PASS' ? 'passed' : 'failed');

function common(kind: 'drill' | 'backup', target: DrillTarget, run: EnvironmentRun) {
  return {
    kind,
    trigger: run.trigger,
    actor: run.actor,
    env: target.name,
    ...(run.trigger === 'slash' || run.trigger === 'button'
      ? { role: 'operator' as const, what: kind === 'drill' ? '/drill restore' : 'opsbot backup' }
      : {}),
    lock: { key: environmentLock(target.name), waitMs: run.waitMs },
  };
}

export function drillOperation(
  target: DrillTarget,
  run: EnvironmentRun,
  deps: DrillDeps,
): OperationSpec<DrillReport, DrillReport> {
  return {
    ...common('drill', target, run),
    action: 'drill.restore',
    run: (ctx) => runDrill(target, { ...deps, log: ctx.log }, { runId: ctx.runId!, onProgress: ctx.progress }),
    verdict: verdictOf,
    auditOutcome: (report) => report.verdict,
    auditParams: (report) => ({ backupId: report.backup?.id }),
  };
}

export function backupOperation(
  target: DrillTarget,
  run: EnvironmentRun,
  deps: DrillDeps,
): OperationSpec<BackupReport> {
  return {
    ...common('backup', target, run),
    action: 'backup.run',
    run: (ctx) => takeBackup(target, { ...deps, log: ctx.log }, ctx.runId),
    verdict: verdictOf,
    auditOutcome: (report) => report.verdict,
    auditParams: (report) => ({ backupId: report.backupId }),
  };
}
