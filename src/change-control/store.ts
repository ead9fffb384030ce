// change_control_digests: one row per week, updated by a second run, its decision taken once (compare-and-set).
import type { Db } from '../store/db.js';
import type { ChangeDigestReport } from './digest.js';

export type ChangeDecision = 'reviewed' | 'flagged';
export interface ChangeDigest {
  id: string;
  week: string;
  runId: string | null;
  trigger: string;
  requestedBy: string | null;
  report: ChangeDigestReport;
  csvSha256: string;
  authors: string[];
  createdAt: string;
  updatedAt: string;
  decision: ChangeDecision | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  slackChannel: string | null;
  slackTs: string | null;
}
export interface DigestWrite {
  id: string;
  runId: string | null;
  trigger: string;
  requestedBy: string | null;
  report: ChangeDigestReport;
  csv: string;
  csvSha256: string;
  at: Date;
}

const COLUMNS = `id, week, run_id, trigger, requested_by, report, csv_sha256, authors, created_at, updated_at, decision,
  decided_by, decided_at, note, slack_channel, slack_ts`;
const iso = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function toDigest(r: Record<string, unknown>): ChangeDigest {
  return {
    id: String(r.id),
    week: String(r.week),
    runId: (r.run_id as string) ?? null,
    trigger: String(r.trigger),
    requestedBy: (r.requested_by as string) ?? null,
    report: json(r.report),
    csvSha256: String(r.csv_sha256),
    authors: (r.authors as string[]) ?? [],
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    decision: (r.decision as ChangeDecision) ?? null,
    decidedBy: (r.decided_by as string) ?? null,
    decidedAt: iso(r.decided_at),
    note: (r.note as string) ?? null,
    slackChannel: (r.slack_channel as string) ?? null,
    slackTs: (r.slack_ts as string) ?? null,
  };
}

/**
 * Inserts the week's digest, or updates the one there (keeping its id and Slack message). A decision stands only while
 * the list is the same: a changed list (another sha256) needs reviewing again, and the earlier decision stays in the
 * audit log. `previous` is the row as it was, for saying so.
 */
export async function saveDigest(
  db: Db,
  write: DigestWrite,
): Promise<{ digest: ChangeDigest; previous?: ChangeDigest }> {
  const { report } = write;
  const authors = [...new Set(report.entries.map((e) => e.author.toLowerCase()))].sort();
  const [before] = await db.query(`select ${COLUMNS} from change_control_digests where week = $1 for update`, [
    report.week,
  ]);
  const [row] = await db.query(
    `insert into change_control_digests (id, week, week_start, week_end, run_id, trigger, requested_by, report, csv,
       csv_sha256, authors, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $12)
     on conflict (week) do update set run_id = excluded.run_id, trigger = excluded.trigger,
       requested_by = excluded.requested_by, report = excluded.report, csv = excluded.csv,
       csv_sha256 = excluded.csv_sha256, authors = excluded.authors, updated_at = excluded.updated_at,
       decision = case when change_control_digests.csv_sha256 = excluded.csv_sha256 then change_control_digests.decision end,
       decided_by = case when change_control_digests.csv_sha256 = excluded.csv_sha256 then change_control_digests.decided_by end,
       decided_at = case when change_control_digests.csv_sha256 = excluded.csv_sha256 then change_control_digests.decided_at end,
       note = case when change_control_digests.csv_sha256 = excluded.csv_sha256 then change_control_digests.note end
     returning ${COLUMNS}`,
    [
      write.id,
      report.week,
      report.weekStart,
      report.weekEnd,
      write.runId,
      write.trigger,
      write.requestedBy,
      JSON.stringify(report),
      write.csv,
      write.csvSha256,
      authors,
      write.at.toISOString(),
    ],
  );
  return { digest: toDigest(row!), ...(before ? { previous: toDigest(before) } : {}) };
}

export async function getDigest(db: Db, id: string): Promise<ChangeDigest | undefined> {
  const [row] = await db.query(`select ${COLUMNS} from change_control_digests where id = $1`, [id]);
  return row ? toDigest(row) : undefined;
}

export async function latestDigest(db: Db): Promise<ChangeDigest | undefined> {
  const [row] = await db.query(`select ${COLUMNS} from change_control_digests order by week_start desc limit 1`);
  return row ? toDigest(row) : undefined;
}

/** Digests of weeks starting in [from, to), oldest first, with their CSV. */
export async function digestsBetween(db: Db, from: Date, to: Date): Promise<(ChangeDigest & { csv: string })[]> {
  const rows = await db.query(
    `select ${COLUMNS}, csv from change_control_digests where week_start >= $1 and week_start < $2 order by week_start`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({ ...toDigest(r), csv: String(r.csv) }));
}

export async function setDigestMessage(db: Db, id: string, ref: { channel: string; ts: string }): Promise<void> {
  await db.query('update change_control_digests set slack_channel = $2, slack_ts = $3 where id = $1', [
    id,
    ref.channel,
    ref.ts,
  ]);
}

/** Compare-and-set: recorded only if undecided; the row comes back only to the one who took it. */
export async function recordDigestDecision(
  db: Db,
  id: string,
  decision: { decision: ChangeDecision; by: string; at: Date; note: string | null },
): Promise<ChangeDigest | undefined> {
  const [row] = await db.query(
    `update change_control_digests set decision = $2, decided_by = $3, decided_at = $4, note = $5
      where id = $1 and decision is null returning ${COLUMNS}`,
    [id, decision.decision, decision.by, decision.at.toISOString(), decision.note],
  );
  return row ? toDigest(row) : undefined;
}
