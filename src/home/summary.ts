// What the App Home shows one person: open alerts, maintenance windows, approvals waiting for them, the latest access
// review, the last backup and drill per environment, the next scheduled runs, and the roles that decide what they
// may act on. Plain data for the renderer; `/opsbot status` shows the same.
import { latestReview } from '../access/store.js';
import { ALERT_COLUMNS, type AlertRow } from '../alerts/store.js';
import { pendingRequests } from '../approvals/store.js';
import { latestBackupAttempt } from '../backup/backup-index.js';
import type { Deps } from '../deps.js';
import { recentDrills } from '../drill/history.js';
import type { Role } from '../roles.js';
import { type MaintenanceWindow, openWindows } from '../uptime/maintenance.js';

/** Where a Slack message is: its channel and ts (the renderer links it once its permalink is known). */
export interface MessageAt {
  channel: string;
  ts: string;
}

export interface NextRun {
  job: string;
  at: Date;
}

export interface HomeSummary {
  user: string;
  roles: Role[];
  now: Date;
  /** Open and acknowledged alerts, oldest first; at most MAX_ALERTS (alertCount says how many there are). */
  alerts: (Pick<AlertRow, 'id' | 'key' | 'status' | 'title' | 'first_seen' | 'acknowledged_by' | 'acknowledged_at'> & {
    /** The alert's message, where its report and thread are. */
    message?: MessageAt;
  })[];
  alertCount: number;
  maintenance: MaintenanceWindow[];
  /** Deploys this person may approve and has not yet approved. */
  approvals: { id: string; env: string; title: string; ref: string; requestedBy: string; expiresAt: string }[];
  access?: {
    id: string;
    takenAt: Date;
    decision: 'approved' | 'flagged' | null;
    decidedBy: string | null;
    /** Undecided, and this person is a reviewer. */
    needsYou: boolean;
  };
  /** One row per backed-up or drilled environment. */
  environments: {
    env: string;
    backup?: { at: Date; status: string };
    drill?: { at: Date; outcome: string; runId: string; message?: MessageAt };
  }[];
  nextRuns: NextRun[];
}

export const MAX_ALERTS = 15;
const MAX_NEXT_RUNS = 8;

export type SummaryDeps = Pick<Deps, 'db' | 'roles' | 'config' | 'now'>;

export async function homeSummary(deps: SummaryDeps, user: string, nextRuns: NextRun[] = []): Promise<HomeSummary> {
  const now = deps.now();
  const roles = await deps.roles.rolesOf(user);
  const [alerts, [{ count } = { count: 0 }], maintenance, approvals, review, environments] = await Promise.all([
    deps.db.query<AlertRow>(
      `select ${ALERT_COLUMNS} from alerts where status <> 'resolved' order by first_seen, id limit $1`,
      [MAX_ALERTS],
    ),
    deps.db.query<{ count: number }>(`select count(*)::int as count from alerts where status <> 'resolved'`),
    openWindows(deps.db, now),
    approvalsWaiting(deps, user),
    latestReview(deps.db),
    backupsAndDrills(deps),
  ]);
  return {
    user,
    roles,
    now,
    alerts: alerts.map(({ id, key, status, title, first_seen, acknowledged_by, acknowledged_at, ...row }) => ({
      ...(row.slack_channel && row.slack_ts ? { message: { channel: row.slack_channel, ts: row.slack_ts } } : {}),
      id,
      key,
      status,
      title,
      first_seen: new Date(first_seen),
      acknowledged_by,
      acknowledged_at: acknowledged_at ? new Date(acknowledged_at) : null,
    })),
    alertCount: Number(count),
    maintenance,
    approvals,
    access: review && {
      id: review.id,
      takenAt: new Date(review.takenAt),
      decision: review.decision,
      decidedBy: review.decidedBy,
      needsYou: review.decision === null && roles.includes('reviewer'),
    },
    environments,
    nextRuns: [...nextRuns].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, MAX_NEXT_RUNS),
  };
}

async function approvalsWaiting(deps: SummaryDeps, user: string): Promise<HomeSummary['approvals']> {
  const waiting: HomeSummary['approvals'] = [];
  for (const r of await pendingRequests(deps.db)) {
    if (r.requesterSlack === user || r.approvals.some((a) => a.by === user)) continue;
    if (!(await deps.roles.listed(user, deps.config.approvals.approvers[r.env] ?? []))) continue;
    waiting.push({
      id: r.id,
      env: r.env,
      title: r.title,
      ref: r.ref,
      requestedBy: r.requestedBy,
      expiresAt: r.expiresAt,
    });
  }
  return waiting;
}

async function backupsAndDrills(deps: SummaryDeps): Promise<HomeSummary['environments']> {
  const drills = await recentDrills(deps.db, 50);
  const refs = await deps.db.query<{ id: string; slack_channel: string | null; slack_ts: string | null }>(
    'select id, slack_channel, slack_ts from runs where id = any($1::text[]) and slack_ts is not null',
    [drills.map((d) => d.runId)],
  );
  const messageOf = (runId: string): { message?: MessageAt } => {
    const ref = refs.find((r) => r.id === runId);
    return ref?.slack_channel && ref.slack_ts ? { message: { channel: ref.slack_channel, ts: ref.slack_ts } } : {};
  };
  const names = [...new Set([...deps.config.backup.environments, ...drills.map((d) => d.env)])].filter(Boolean);
  return Promise.all(
    names.map(async (env) => {
      const backup = await latestBackupAttempt(deps.db, env);
      const drill = drills.find((d) => d.env === env);
      return {
        env,
        ...(backup ? { backup } : {}),
        ...(drill
          ? {
              drill: {
                at: drill.finishedAt ?? drill.startedAt,
                outcome: drill.outcome,
                runId: drill.runId,
                ...messageOf(drill.runId),
              },
            }
          : {}),
      };
    }),
  );
}
