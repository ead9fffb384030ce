// Outages of an environment: opened when its uptime alert opens, ended when it resolves. Each step is a
// compare-and-set in Postgres, so with any number of replicas an outage has one row, one issue and one of each comment.
import type { Db } from '../store/db.js';

export interface Outage {
  id: string;
  env: string;
  startedAt: Date;
  endedAt?: Date;
  alertId?: string;
  issueNumber?: number;
  issueUrl?: string;
}

interface Row {
  id: string;
  env: string;
  started_at: Date;
  ended_at: Date | null;
  alert_id: string | null;
  issue_number: number | null;
  issue_url: string | null;
}
const COLUMNS = 'id::text as id, env, started_at, ended_at, alert_id::text as alert_id, issue_number, issue_url';
const toOutage = (row: Row): Outage => ({
  id: row.id,
  env: row.env,
  startedAt: new Date(row.started_at),
  endedAt: row.ended_at ? new Date(row.ended_at) : undefined,
  alertId: row.alert_id ?? undefined,
  issueNumber: row.issue_number ?? undefined,
  issueUrl: row.issue_url ?? undefined,
});

/** The outage under way in env, opened now (from since) when there is none; linked to alertId. */
export async function openOutage(db: Db, env: string, since: Date, alertId: string | undefined): Promise<Outage> {
  await db.query(
    `insert into uptime_outages (env, started_at, alert_id) values ($1, $2, $3)
     on conflict (env) where ended_at is null do nothing`,
    [env, since, alertId ?? null],
  );
  const [row] = await db.query<Row>(`select ${COLUMNS} from uptime_outages where env = $1 and ended_at is null`, [env]);
  return toOutage(row!);
}

export async function currentOutage(db: Db, env: string): Promise<Outage | undefined> {
  const [row] = await db.query<Row>(`select ${COLUMNS} from uptime_outages where env = $1 and ended_at is null`, [env]);
  return row && toOutage(row);
}

/** Ends env's outage at `at`; only the caller that ends it gets it back. */
export async function endOutage(db: Db, env: string, at: Date): Promise<Outage | undefined> {
  const [row] = await db.query<Row>(
    `update uptime_outages set ended_at = $2 where env = $1 and ended_at is null returning ${COLUMNS}`,
    [env, at],
  );
  return row && toOutage(row);
}

/** Claims the opening of the outage's issue for owner; a claim older than staleMs (a crashed replica) is taken over. */
export async function claimIssue(db: Db, id: string, owner: string, at: Date, staleMs = 5 * 60_000): Promise<boolean> {
  const rows = await db.query(
    `update uptime_outages set issue_claim = $2, issue_claimed_at = $3
      where id = $1 and issue_number is null and (issue_claim is null or issue_claimed_at < $4) returning id`,
    [id, owner, at, new Date(at.getTime() - staleMs)],
  );
  return rows.length > 0;
}

export async function setIssue(db: Db, id: string, issue: { number: number; url: string }, at: Date): Promise<void> {
  await db.query('update uptime_outages set issue_number = $2, issue_url = $3, last_comment_at = $4 where id = $1', [
    id,
    issue.number,
    issue.url,
    at,
  ]);
}

/** Claims the hourly "still down" comment: true once per hour of the outage. */
export async function claimHourlyComment(db: Db, id: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    `update uptime_outages set last_comment_at = $2
      where id = $1 and issue_number is not null and last_comment_at <= $3 returning id`,
    [id, at, new Date(at.getTime() - 3_600_000)],
  );
  return rows.length > 0;
}

/** Claims the "acknowledged" comment: who acknowledged the outage's alert, once. */
export async function claimAcknowledgement(db: Db, id: string): Promise<{ by: string; at: Date } | undefined> {
  const [row] = await db.query<{ acknowledged_by: string; acknowledged_at: Date }>(
    `update uptime_outages o set acknowledged_noted = true from alerts a
      where o.id = $1 and a.id = o.alert_id and o.issue_number is not null and not o.acknowledged_noted
        and a.acknowledged_by is not null
      returning a.acknowledged_by, a.acknowledged_at`,
    [id],
  );
  return row && { by: row.acknowledged_by, at: new Date(row.acknowledged_at) };
}

/** A claimed "acknowledged" comment that did not reach GitHub: claimable again, by the next round or acknowledgement. */
export async function releaseAcknowledgement(db: Db, id: string): Promise<void> {
  await db.query('update uptime_outages set acknowledged_noted = false where id = $1', [id]);
}

/** The outage under way that alertId belongs to (an `uptime:<env>` alert), if any. */
export async function outageOfAlert(db: Db, alertId: string): Promise<Outage | undefined> {
  const [row] = await db.query<Row>(`select ${COLUMNS} from uptime_outages where alert_id = $1 and ended_at is null`, [
    alertId,
  ]);
  return row && toOutage(row);
}

/** The outages of env that overlap [from, to), oldest first. */
export async function outagesBetween(db: Db, env: string, from: Date, to: Date): Promise<Outage[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from uptime_outages where env = $1 and started_at < $3 and coalesce(ended_at, $3) > $2
      order by started_at`,
    [env, from, to],
  );
  return rows.map(toOutage);
}
