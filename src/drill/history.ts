// Past drills, from the runs table: `/drill restore history`, and the quarter's evidence export.
import type { Db } from '../store/db.js';
import type { RunStatus } from '../store/runs.js';
import type { DrillReport } from './report.js';

export interface DrillRun {
  runId: string;
  env: string;
  status: RunStatus;
  trigger: string;
  actor: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  /** Absent for runs that never finished (interrupted) or failed inside opsbot. */
  report?: DrillReport;
  /** The verdict a person reads: PASS/FAIL from the report, or what happened to a run that has none. */
  outcome: string;
}

interface Row {
  id: string;
  env: string | null;
  status: RunStatus;
  trigger: string;
  actor: string | null;
  started_at: Date | string;
  finished_at: Date | string | null;
  error: string | null;
  report: DrillReport | string | null;
}

const toRun = (row: Row): DrillRun =>
  withOutcome({
    runId: row.id,
    env: row.env ?? '',
    status: row.status,
    trigger: row.trigger,
    actor: row.actor,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at ? new Date(row.finished_at) : null,
    error: row.error,
    ...(row.report
      ? { report: typeof row.report === 'string' ? (JSON.parse(row.report) as DrillReport) : row.report }
      : {}),
  } as Omit<DrillRun, 'outcome'>);

function withOutcome(run: Omit<DrillRun, 'outcome'>): DrillRun {
  return { ...run, outcome: drillOutcome(run) };
}

export async function recentDrills(db: Db, limit = 10): Promise<DrillRun[]> {
  const rows = await db.query<Row>(
    `select id, env, status, trigger, actor, started_at, finished_at, error, report
       from runs where kind = 'drill' order by started_at desc limit $1`,
    [limit],
  );
  return rows.map(toRun);
}

/** Every drill started in [from, to), oldest first. */
export async function drillsBetween(db: Db, from: Date, to: Date): Promise<DrillRun[]> {
  const rows = await db.query<Row>(
    `select id, env, status, trigger, actor, started_at, finished_at, error, report
       from runs where kind = 'drill' and started_at >= $1 and started_at < $2 order by started_at`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map(toRun);
}

/** The verdict a person reads: PASS/FAIL from the report, or what happened to a run that has none. */
function drillOutcome(run: Omit<DrillRun, 'outcome'>): string {
  if (run.report) return run.report.verdict;
  if (run.status === 'running') return 'RUNNING';
  return run.status.toUpperCase();
}
