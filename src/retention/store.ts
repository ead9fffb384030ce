// Retention reports and deletions in the bot's database; every change of a deletion's state is compare-and-set.
import type { Db } from '../store/db.js';
import type { RetentionDeletionReport, RetentionReport } from './report.js';

export type DeletionStatus = 'requested' | 'approved' | 'running' | 'done' | 'stopped' | 'failed';
export interface Deletion {
  id: string;
  reportId: string;
  status: DeletionStatus;
  requestedBy: string;
  approvedBy: string | null;
  stopRequested: boolean;
  result: RetentionDeletionReport | null;
}
export interface StoredReport {
  report: RetentionReport;
  runId: string | null;
  slackChannel: string | null;
  slackTs: string | null;
}

const DELETION = `id, report_id as "reportId", status, requested_by as "requestedBy", approved_by as "approvedBy",
  stop_requested as "stopRequested", result`;

export async function insertReport(db: Db, report: RetentionReport, runId: string | undefined): Promise<void> {
  await db.query('insert into retention_reports (id, run_id, taken_at, report) values ($1, $2, $3, $4::jsonb)', [
    report.id,
    runId ?? null,
    report.takenAt,
    JSON.stringify(report),
  ]);
}

export async function setReportMessage(db: Db, id: string, ref: { channel: string; ts: string }): Promise<void> {
  await db.query('update retention_reports set slack_channel = $2, slack_ts = $3 where id = $1', [
    id,
    ref.channel,
    ref.ts,
  ]);
}

export async function getReport(db: Db, id: string): Promise<StoredReport | undefined> {
  const [row] = await db.query<StoredReport>(
    `select report, run_id as "runId", slack_channel as "slackChannel", slack_ts as "slackTs"
       from retention_reports where id = $1`,
    [id],
  );
  return row;
}

export async function latestReport(db: Db): Promise<StoredReport | undefined> {
  const [row] = await db.query<{ id: string }>('select id from retention_reports order by taken_at desc limit 1');
  return row ? getReport(db, row.id) : undefined;
}

export async function openDeletion(db: Db, reportId: string): Promise<Deletion | undefined> {
  const [row] = await db.query<Deletion>(
    `select ${DELETION} from retention_deletions where report_id = $1 order by requested_at desc limit 1`,
    [reportId],
  );
  return row;
}

/** A new request, or undefined when one is already open for the report (the unique index decides). */
export async function requestDeletion(db: Db, id: string, reportId: string, user: string, at: Date) {
  const [row] = await db.query<Deletion>(
    `insert into retention_deletions (id, report_id, status, requested_by, requested_at)
     values ($1, $2, 'requested', $3, $4) on conflict do nothing returning ${DELETION}`,
    [id, reportId, user, at],
  );
  return row;
}

/** Compare-and-set from one status to the next; undefined when the deletion was not in `from` any more. */
export async function moveDeletion(
  db: Db,
  id: string,
  from: DeletionStatus[],
  to: DeletionStatus,
  set: { approvedBy?: string; at?: Date; result?: RetentionDeletionReport } = {},
): Promise<Deletion | undefined> {
  const [row] = await db.query<Deletion>(
    `update retention_deletions set status = $3,
        approved_by = coalesce($4, approved_by), approved_at = case when $4::text is null then approved_at else $5 end,
        result = coalesce($6::jsonb, result), finished_at = case when $3 in ('done', 'stopped', 'failed') then $5 end
      where id = $1 and status = any($2::text[]) returning ${DELETION}`,
    [id, from, to, set.approvedBy ?? null, set.at ?? new Date(), set.result ? JSON.stringify(set.result) : null],
  );
  return row;
}

export async function requestStop(db: Db, id: string): Promise<Deletion | undefined> {
  const [row] = await db.query<Deletion>(
    `update retention_deletions set stop_requested = true where id = $1 and status = 'running' returning ${DELETION}`,
    [id],
  );
  return row;
}

export async function stopRequested(db: Db, id: string): Promise<boolean> {
  const [row] = await db.query<{ stop: boolean }>(
    'select stop_requested as stop from retention_deletions where id = $1',
    [id],
  );
  return row?.stop ?? false;
}

/** The reports taken in [from, to), oldest first, and the deletions made from them (the quarter's evidence). */
export async function reportsBetween(
  db: Db,
  from: Date,
  to: Date,
): Promise<{ reports: RetentionReport[]; deletions: Deletion[] }> {
  const rows = await db.query<{ report: RetentionReport }>(
    'select report from retention_reports where taken_at >= $1 and taken_at < $2 order by taken_at, id',
    [from.toISOString(), to.toISOString()],
  );
  const reports = rows.map((r) => r.report);
  const deletions = reports.length
    ? await db.query<Deletion>(
        `select ${DELETION} from retention_deletions where report_id = any($1) order by requested_at`,
        [reports.map((r) => r.id)],
      )
    : [];
  return { reports, deletions };
}
