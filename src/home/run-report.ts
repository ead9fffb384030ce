// What the /runs/<id> page shows of one run: its record, its stored report, the rows other capabilities keep about it
// (backups, access reviews, change-control digests, retention reports) and its audit events; and who may read it.
import type { Role } from '../roles.js';
import type { Db } from '../store/db.js';

export interface RunRecord {
  id: string;
  kind: string;
  env: string | null;
  trigger: string;
  actor: string | null;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  report: unknown;
  error: string | null;
  message?: { channel: string; ts: string };
}
export interface RunAuditEvent {
  seq: number;
  at: Date;
  actor: string | null;
  action: string;
  outcome: string;
  hash: string;
}
export interface RunReportPage {
  run: RunRecord;
  /** Rows of other tables that belong to the run, by what they are ("Backup", "Access review"). */
  related: { title: string; fields: Record<string, unknown> }[];
  audit: RunAuditEvent[];
}

// Who needs which role to read a kind of run: what changes or exposes data (seeding, backups, deletions) is for
// operators, evidence of reviews for reviewers; checks anyone with a role may read. Admins hold every role.
const NEEDS: Record<string, Role> = {
  seed: 'operator',
  drill: 'operator',
  backup: 'operator',
  retention: 'operator',
  'access-review': 'reviewer',
  'change-control': 'reviewer',
  evidence: 'reviewer',
  approval: 'reviewer',
};

/** Why roles may not read a run of kind, or undefined when they may. */
export function runReadRefusal(roles: readonly Role[], kind: string): string | undefined {
  if (roles.length === 0) return 'You hold no opsbot role, so report pages are not open to you. Ask an opsbot admin.';
  const needed = NEEDS[kind];
  if (!needed || roles.includes('admin') || roles.includes(needed)) return undefined;
  return `Reports of ${kind} runs are open to ${needed}s and admins; you are ${roles.join(', ')}.`;
}

const MAX_AUDIT_ROWS = 200;
const RELATED = [
  {
    title: 'Backup',
    sql: 'select id, env, status, path, storage, size_bytes, sha256, error from backups where run_id = $1',
  },
  {
    title: 'Access review',
    sql: `select id, taken_at, counts, jsonb_array_length(anomalies) as anomalies, csv_sha256, decision, decided_by, note
            from access_reviews where run_id = $1`,
  },
  {
    title: 'Change-control digest',
    sql: 'select id, week, csv_sha256 from change_control_digests where run_id = $1',
  },
  { title: 'Retention report', sql: 'select id, taken_at from retention_reports where run_id = $1' },
] as const;

/** The run with id, or undefined when there is none. */
export async function loadRunReport(db: Db, id: string): Promise<RunReportPage | undefined> {
  const [row] = await db.query<{
    id: string;
    kind: string;
    env: string | null;
    trigger: string;
    actor: string | null;
    status: string;
    started_at: Date | string;
    finished_at: Date | string | null;
    report: unknown;
    error: string | null;
    slack_channel: string | null;
    slack_ts: string | null;
  }>(
    `select id, kind, env, trigger, actor, status, started_at, finished_at, report, error, slack_channel, slack_ts
       from runs where id = $1`,
    [id],
  );
  if (!row) return undefined;
  const related: RunReportPage['related'] = [];
  for (const { title, sql } of RELATED) {
    for (const fields of await db.query<Record<string, unknown>>(sql, [id])) related.push({ title, fields });
  }
  const audit = await db.query<{
    seq: string | number;
    at: Date | string;
    actor: string | null;
    action: string;
    outcome: string;
    hash: string;
  }>(
    `select seq, at, actor, action, outcome, hash from audit_events where params ? 'runId' and params->>'runId' = $1 order by seq limit $2`,
    [id, MAX_AUDIT_ROWS],
  );
  return {
    run: {
      id: row.id,
      kind: row.kind,
      env: row.env,
      trigger: row.trigger,
      actor: row.actor,
      status: row.status,
      startedAt: new Date(row.started_at),
      finishedAt: row.finished_at ? new Date(row.finished_at) : null,
      report: row.report,
      error: row.error,
      ...(row.slack_channel && row.slack_ts ? { message: { channel: row.slack_channel, ts: row.slack_ts } } : {}),
    },
    related,
    audit: audit.map((e) => ({ ...e, seq: Number(e.seq), at: new Date(e.at) })),
  };
}
