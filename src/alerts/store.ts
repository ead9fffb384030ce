// Alert rows in Postgres: reading them, and the streak of failing or passing observations per key.
import type { Db } from '../store/db.js';
import type { AlertObservation } from './observation.js';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** What the lifecycle keeps of the observation that opened (and last updated) an alert. */
export interface AlertDetails {
  lines: string[];
  url?: string;
  runId?: string;
  tips?: string[];
  email: { subject: string; text: string };
  /** Reminders sent while nobody acknowledged it. */
  reminders?: number;
}

export interface AlertRow {
  id: string;
  key: string;
  status: AlertStatus;
  title: string;
  details: AlertDetails;
  first_seen: Date;
  last_seen: Date;
  occurrences: number;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  last_notified_at: Date | null;
  slack_channel: string | null;
  slack_ts: string | null;
  email_sent: boolean;
  // Set by the actions of migration 110 (absent in rows built by hand, e.g. renderer tests).
  snoozed_until?: Date | null;
  snoozed_by?: string | null;
  resolved_by?: string | null;
  resolve_note?: string | null;
  open_since?: Date | null;
  escalated_at?: Date | null;
  ack_checked_at?: Date | null;
  ack_confirmed_at?: Date | null;
  ack_lapsed_by?: string | null;
  ack_lapsed_at?: Date | null;
}

// bigserial ids come back as text so pg and PGlite agree on their type.
export const ALERT_COLUMNS = `id::text as id, key, status, title, details, first_seen, last_seen, occurrences,
  acknowledged_by, acknowledged_at, resolved_at, last_notified_at, slack_channel, slack_ts, email_sent,
  snoozed_until, snoozed_by, resolved_by, resolve_note, open_since, escalated_at, ack_checked_at, ack_confirmed_at,
  ack_lapsed_by, ack_lapsed_at`;

export function detailsOf(observation: AlertObservation, reminders = 0): AlertDetails {
  const { lines, url, runId, tips, email } = observation;
  return { lines, url, runId, tips, email, reminders };
}

export async function findAlert(db: Db, id: string): Promise<AlertRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const [row] = await db.query<AlertRow>(`select ${ALERT_COLUMNS} from alerts where id = $1`, [id]);
  return row;
}

/** The open or acknowledged alert of key, locked until the transaction ends. */
export async function activeAlert(tx: Db, key: string): Promise<AlertRow | undefined> {
  const [row] = await tx.query<AlertRow>(
    `select ${ALERT_COLUMNS} from alerts where key = $1 and status <> 'resolved' for update`,
    [key],
  );
  return row;
}

export interface Streak {
  count: number;
  since: Date;
}

/** Records one observation of key; returns the length and start of the streak it extends (or begins). */
export async function recordStreak(tx: Db, key: string, failing: boolean, at: Date): Promise<Streak> {
  const [row] = await tx.query<Streak>(
    `insert into alert_streaks (key, failing, count, since, observed_at) values ($1, $2, 1, $3, $3)
     on conflict (key) do update set
       count = case when alert_streaks.failing = excluded.failing then alert_streaks.count + 1 else 1 end,
       since = case when alert_streaks.failing = excluded.failing then alert_streaks.since else excluded.since end,
       failing = excluded.failing, observed_at = excluded.observed_at
     returning count, since`,
    [key, failing, at],
  );
  return { count: Number(row!.count), since: new Date(row!.since) };
}

/** Whether key's streak was rearmed by a manual resolution; the first observation after it takes the mark. */
export async function takeRearm(tx: Db, key: string): Promise<boolean> {
  const rows = await tx.query('update alert_streaks set rearmed = false where key = $1 and rearmed returning key', [
    key,
  ]);
  return rows.length > 0;
}

/** Serialises observations of one key across connections and replicas, until the transaction ends. */
export async function lockKey(tx: Db, key: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('alert:' || $1))`, [key]);
}
