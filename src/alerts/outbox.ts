// The alerts' outbox rows: written in the same transaction as the state change they announce, claimed one at a
// time in id order per ref, marked delivered or rescheduled with a backoff.
import type { Db } from '../store/db.js';

export type NoticeType = 'opened' | 'reminder' | 'resolved';
/** Thread replies only: the alert was escalated to the on-call group, or an acknowledgement lapsed. */
export type ReplyType = NoticeType | 'escalated' | 'lapsed';
export type DmType = 'ack-check' | 'escalated';
export type OutboxPayload =
  /** Make the alert's Slack message show its current state: post it when it has no ts yet, update it otherwise. */
  | { kind: 'alert.sync'; alertId: string }
  /** A reply in the alert message's thread; waits (by ref order) for the message itself. */
  // text: replies queued before they were worded at delivery time.
  // mention: who an escalation notifies (`<!subteam^S…>`, `<@U…>`), resolved before the state change.
  | { kind: 'alert.reply'; alertId: string; type: ReplyType; text?: string; mention?: string }
  | { kind: 'alert.email'; alertId: string; type: NoticeType }
  /** A direct message: the acknowledger asked whether they are still on it, or an on-call member paged. */
  | { kind: 'alert.dm'; alertId: string; type: DmType; user: string };

export interface OutboxItem {
  id: string;
  kind: OutboxPayload['kind'];
  ref: string;
  payload: OutboxPayload;
  attempts: number;
}

// Slack items and emails of one alert are ordered separately, so a Slack outage never holds back the email.
export const slackRef = (alertId: string) => `alert:${alertId}`;
export const emailRef = (alertId: string) => `alert-email:${alertId}`;
// Each person's DMs in a ref of their own: one who cannot be messaged never holds back the alert or anyone else.
export const dmRef = (alertId: string, user: string) => `alert-dm:${alertId}:${user}`;
const refOf = (payload: OutboxPayload) =>
  payload.kind === 'alert.dm'
    ? dmRef(payload.alertId, payload.user)
    : (payload.kind === 'alert.email' ? emailRef : slackRef)(payload.alertId);

// A short lease, extended while its holder delivers (extendClaim): a crashed holder's item is free again within it.
// A second replica delivering the same item after a lost answer finds the marked copy instead of posting another.
export const CLAIM_MS = 15_000;
const MAX_BACKOFF_MS = 15 * 60_000;

export async function enqueue(tx: Db, payload: OutboxPayload, at: Date): Promise<void> {
  await tx.query('insert into outbox (kind, ref, payload, next_attempt_at) values ($1, $2, $3::jsonb, $4)', [
    payload.kind,
    refOf(payload),
    JSON.stringify(payload),
    at,
  ]);
}

export interface ClaimOptions {
  /** Only these refs (the immediate delivery after a state change); all alert refs otherwise. */
  refs?: string[];
  /** Try now even when a retry is scheduled later: a new state change is a good reason to try Slack again. */
  now?: boolean;
  /** Refs that already failed in this round: their next item waits for the next round. */
  skipRefs?: string[];
  /** Who claims (the process's run owner), so a graceful stop can hand its claims back. */
  owner?: string;
}

/**
 * Claims the next deliverable item for CLAIM_MS: the oldest undelivered item of its ref, due, and not claimed by a
 * live worker. `skip locked` and the claim lease keep two replicas from delivering the same item.
 */
export async function claimNext(db: Db, at: Date, options: ClaimOptions = {}): Promise<OutboxItem | undefined> {
  const [row] = await db.query<OutboxItem>(
    `update outbox set claimed_until = $2, claimed_by = $6, attempts = attempts + 1
      where id = (
        select o.id from outbox o
         where o.delivered_at is null and o.kind like 'alert.%'
           and ($3::text[] is null or o.ref = any($3::text[]))
           and ($4::boolean or o.next_attempt_at <= $1)
           and not (o.ref = any($5::text[]))
           and (o.claimed_until is null or o.claimed_until < $1)
           and not exists (select 1 from outbox p where p.ref = o.ref and p.delivered_at is null and p.id < o.id)
         order by o.id limit 1
         for update skip locked)
      returning id::text as id, kind, ref, payload, attempts`,
    [
      at,
      new Date(at.getTime() + CLAIM_MS),
      options.refs ?? null,
      options.now ?? false,
      options.skipRefs ?? [],
      options.owner ?? null,
    ],
  );
  return row;
}

/** Keeps a claim while its delivery is still going. */
export async function extendClaim(db: Db, item: OutboxItem, at: Date): Promise<void> {
  await db.query('update outbox set claimed_until = $2 where id = $1 and delivered_at is null', [
    item.id,
    new Date(at.getTime() + CLAIM_MS),
  ]);
}

/** A graceful stop hands back what it claimed but did not deliver: another replica (or the restart) sends it now. */
export async function releaseClaims(db: Db, owner: string): Promise<number> {
  const rows = await db.query(
    `update outbox set claimed_until = null, claimed_by = null
      where claimed_by = $1 and delivered_at is null and claimed_until is not null returning id`,
    [owner],
  );
  return rows.length;
}

/** A newer reminder of the same alert is queued: the older ones are covered by it (one reply, worded when sent). */
export async function newerReminderQueued(db: Db, item: OutboxItem): Promise<boolean> {
  const [row] = await db.query<{ newer: boolean }>(
    `select exists (select 1 from outbox where ref = $1 and id > $2 and delivered_at is null
        and kind = 'alert.reply' and payload->>'type' = 'reminder') as newer`,
    [item.ref, item.id],
  );
  return row?.newer ?? false;
}

/** The newest undelivered sync item of ref: a sync delivered after this read covers every sync up to it. */
export async function newestPendingSync(db: Db, ref: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string | null }>(
    `select max(id)::text as id from outbox where ref = $1 and kind = 'alert.sync' and delivered_at is null`,
    [ref],
  );
  return row?.id ?? undefined;
}

export async function markDelivered(db: Db, item: OutboxItem, at: Date, coveredSyncUpTo?: string): Promise<void> {
  await db.query(
    `update outbox set delivered_at = $2, claimed_until = null, last_error = null
      where delivered_at is null and (id = $1 or (ref = $3 and kind = 'alert.sync' and id <= $4))`,
    [item.id, at, item.ref, coveredSyncUpTo ?? item.id],
  );
}

export async function markFailed(db: Db, item: OutboxItem, at: Date, error: string): Promise<Date> {
  const backoffMs = Math.min(30_000 * 2 ** Math.max(0, Number(item.attempts) - 1), MAX_BACKOFF_MS);
  const next = new Date(at.getTime() + backoffMs);
  await db.query('update outbox set claimed_until = null, last_error = $2, next_attempt_at = $3 where id = $1', [
    item.id,
    error.slice(0, 500),
    next,
  ]);
  return next;
}
