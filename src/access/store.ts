// access_reviews: one row per review, its decision taken once (compare-and-set), and the reminder sent once.
import type { Db } from '../store/db.js';
import type { Anomaly } from './anomalies.js';
import { type AccessDiff, type Baseline, SECTION_NAMES } from './diff.js';
import type { AccessSnapshot } from './snapshot.js';
import type { SnapshotCounts } from './summary.js';

export type Decision = 'approved' | 'flagged';
export interface AccessReview {
  id: string;
  runId: string | null;
  takenAt: string;
  trigger: string;
  requestedBy: string | null;
  counts: SnapshotCounts;
  diff: AccessDiff;
  anomalies: Anomaly[];
  csvSha256: string;
  decision: Decision | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  slackChannel: string | null;
  slackTs: string | null;
  issueNumber: number | null;
  issueUrl: string | null;
  remindedAt: string | null;
}
export interface NewReview {
  id: string;
  runId: string | null;
  takenAt: string;
  trigger: string;
  requestedBy: string | null;
  snapshot: AccessSnapshot;
  counts: SnapshotCounts;
  diff: AccessDiff;
  anomalies: Anomaly[];
  csv: string;
  csvSha256: string;
}

// Everything but the snapshot and CSV, which only the diff and the evidence package read.
const COLUMNS = `id, run_id, taken_at, trigger, requested_by, counts, diff, anomalies, csv_sha256, decision, decided_by,
  decided_at, note, slack_channel, slack_ts, issue_number, issue_url, reminded_at`;
const iso = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function toReview(r: Record<string, unknown>): AccessReview {
  return {
    id: String(r.id),
    runId: (r.run_id as string) ?? null,
    takenAt: iso(r.taken_at)!,
    trigger: String(r.trigger),
    requestedBy: (r.requested_by as string) ?? null,
    counts: json(r.counts),
    diff: json(r.diff),
    anomalies: json(r.anomalies),
    csvSha256: String(r.csv_sha256),
    decision: (r.decision as Decision) ?? null,
    decidedBy: (r.decided_by as string) ?? null,
    decidedAt: iso(r.decided_at),
    note: (r.note as string) ?? null,
    slackChannel: (r.slack_channel as string) ?? null,
    slackTs: (r.slack_ts as string) ?? null,
    issueNumber: r.issue_number === null || r.issue_number === undefined ? null : Number(r.issue_number),
    issueUrl: (r.issue_url as string) ?? null,
    remindedAt: iso(r.reminded_at),
  };
}

export async function insertReview(db: Db, review: NewReview): Promise<void> {
  await db.query(
    `insert into access_reviews (id, run_id, taken_at, trigger, requested_by, snapshot, counts, diff, anomalies, csv, csv_sha256)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11)`,
    [
      review.id,
      review.runId,
      review.takenAt,
      review.trigger,
      review.requestedBy,
      JSON.stringify(review.snapshot),
      JSON.stringify(review.counts),
      JSON.stringify(review.diff),
      JSON.stringify(review.anomalies),
      review.csv,
      review.csvSha256,
    ],
  );
}

export async function getReview(db: Db, id: string): Promise<AccessReview | undefined> {
  const [row] = await db.query(`select ${COLUMNS} from access_reviews where id = $1`, [id]);
  return row ? toReview(row) : undefined;
}

export async function latestReview(db: Db): Promise<AccessReview | undefined> {
  const [row] = await db.query(`select ${COLUMNS} from access_reviews order by taken_at desc, id desc limit 1`);
  return row ? toReview(row) : undefined;
}

/**
 * What the next review compares with: the newest stored snapshot, each section replaced by the one of the newest
 * snapshot that read it (status ok), so a failed week leaves the section of the week before it as the baseline.
 */
export async function latestBaseline(db: Db): Promise<Baseline | undefined> {
  const [row] = await db.query<{ snapshot: unknown }>(
    'select snapshot from access_reviews order by taken_at desc, id desc limit 1',
  );
  if (!row) return undefined;
  const baseline: Baseline = { ...json<AccessSnapshot>(row.snapshot), sectionTakenAt: {} };
  await Promise.all(
    SECTION_NAMES.map(async (name) => {
      // Only the one section of the one row: a 10 000-member snapshot is not read three times.
      const [read] = await db.query<{ taken_at: unknown; section: unknown }>(
        `select taken_at, snapshot -> $1::text as section from access_reviews
          where snapshot -> $1::text ->> 'status' = 'ok' order by taken_at desc, id desc limit 1`,
        [name],
      );
      if (!read) return;
      Object.assign(baseline, { [name]: json(read.section) });
      baseline.sectionTakenAt[name] = iso(read.taken_at)!;
    }),
  );
  return baseline;
}

/** Reviews taken in [from, to), oldest first, with their CSV (the evidence package hands it out). */
export async function reviewsBetween(db: Db, from: Date, to: Date): Promise<(AccessReview & { csv: string })[]> {
  const rows = await db.query(
    `select ${COLUMNS}, csv from access_reviews where taken_at >= $1 and taken_at < $2 order by taken_at, id`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({ ...toReview(r), csv: String(r.csv) }));
}

export async function setReviewMessage(db: Db, id: string, ref: { channel: string; ts: string }): Promise<void> {
  await db.query('update access_reviews set slack_channel = $2, slack_ts = $3 where id = $1', [
    id,
    ref.channel,
    ref.ts,
  ]);
}

export async function setReviewIssue(db: Db, id: string, issue: { number: number; url: string }): Promise<void> {
  await db.query('update access_reviews set issue_number = $2, issue_url = $3 where id = $1', [
    id,
    issue.number,
    issue.url,
  ]);
}

/** Compare-and-set: the decision is recorded only if none was; the row comes back only to the one who took it. */
export async function recordDecision(
  db: Db,
  id: string,
  decision: { decision: Decision; by: string; at: Date; note: string | null },
): Promise<AccessReview | undefined> {
  const [row] = await db.query(
    `update access_reviews set decision = $2, decided_by = $3, decided_at = $4, note = $5
      where id = $1 and decision is null returning ${COLUMNS}`,
    [id, decision.decision, decision.by, decision.at.toISOString(), decision.note],
  );
  return row ? toReview(row) : undefined;
}

/** Undecided reviews posted before `olderThan` and never reminded; each is claimed so only one replica reminds. */
export async function claimReviewsToRemind(db: Db, olderThan: Date, now: Date): Promise<AccessReview[]> {
  const rows = await db.query(
    `update access_reviews set reminded_at = $2
      where decision is null and reminded_at is null and slack_ts is not null and taken_at <= $1 returning ${COLUMNS}`,
    [olderThan.toISOString(), now.toISOString()],
  );
  return rows.map(toReview);
}

export async function releaseReminder(db: Db, id: string): Promise<void> {
  await db.query('update access_reviews set reminded_at = null where id = $1', [id]);
}
