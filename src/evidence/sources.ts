// What each control left behind in a quarter, read from the bot's database through each capability's own functions.
import { buildEvidence, type EvidencePackage } from '../access/evidence.js';
import { type ApprovalsEvidence, buildApprovalsEvidence } from '../approvals/evidence.js';
import { buildChangeEvidence, type ChangeEvidencePackage } from '../change-control/evidence.js';
import type { Deps } from '../deps.js';
import { type DrillRun, drillsBetween } from '../drill/history.js';
import type { PostureReport } from '../posture/check.js';
import type { RetentionReport } from '../retention/report.js';
import { type Deletion, reportsBetween } from '../retention/store.js';
import type { Db } from '../store/db.js';
import { type MonthlyAvailability, monthlyAvailability } from '../uptime/monthly.js';

export type SourceDeps = Pick<Deps, 'db' | 'now' | 'config'>;
export interface PostureRun {
  runId: string;
  startedAt: string;
  status: string;
  report: PostureReport | null;
}
export interface QuarterSources {
  drills: DrillRun[];
  access: EvidencePackage;
  approvals: ApprovalsEvidence;
  change: ChangeEvidencePackage;
  uptime: MonthlyAvailability[];
  retention: { reports: RetentionReport[]; deletions: Deletion[] };
  posture: PostureRun[];
}

/** `2026-07`, `2026-08`, `2026-09` for 2026-Q3. */
export function quarterMonths(start: Date): string[] {
  return [0, 1, 2].map((i) =>
    new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1)).toISOString().slice(0, 7),
  );
}

async function postureRuns(db: Db, from: Date, to: Date): Promise<PostureRun[]> {
  const rows = await db.query<{ id: string; started_at: Date; status: string; report: PostureReport | null }>(
    `select id, started_at, status, report from runs where kind = 'posture' and started_at >= $1 and started_at < $2
      order by started_at`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({
    runId: r.id,
    startedAt: new Date(r.started_at).toISOString(),
    status: r.status,
    report: r.report,
  }));
}

/** The environments measured in the quarter or measured from now on: those with a base URL. */
async function uptimeEnvironments(deps: SourceDeps, from: Date, to: Date): Promise<string[]> {
  const rows = await deps.db.query<{ env: string }>(
    `select env from uptime_daily where day >= $1::date and day < $2::date
     union select env from uptime_rounds where at >= $1 and at < $2`,
    [from.toISOString(), to.toISOString()],
  );
  const configured = deps.config.environments.filter((e) => e.baseUrl).map((e) => e.name);
  return [...new Set([...configured, ...rows.map((r) => r.env)])].sort();
}

export async function readQuarterSources(
  deps: SourceDeps,
  quarter: string,
  from: Date,
  to: Date,
): Promise<QuarterSources> {
  const now = deps.now();
  const [access, approvals, change] = await Promise.all([
    buildEvidence(deps, quarter),
    buildApprovalsEvidence(deps.db, quarter, now),
    buildChangeEvidence(deps, quarter),
  ]);
  // The quarter was parsed before: none of them refuses it.
  if ('reason' in access || 'reason' in approvals || 'reason' in change) throw new Error(`${quarter} is not a quarter`);
  const envs = await uptimeEnvironments(deps, from, to);
  const uptime: MonthlyAvailability[] = [];
  for (const env of envs)
    for (const month of quarterMonths(from))
      uptime.push(await monthlyAvailability(deps.db, env, month, deps.config.uptime.sloAvailability, now));
  return {
    drills: await drillsBetween(deps.db, from, to),
    access,
    approvals,
    change,
    uptime,
    retention: await reportsBetween(deps.db, from, to),
    posture: await postureRuns(deps.db, from, to),
  };
}
