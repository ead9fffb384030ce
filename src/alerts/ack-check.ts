// "Still on it?": an acknowledgement older than ALERT_ACK_TIMEOUT_MINUTES asks its acknowledger by DM; "Still on it"
// keeps it for another timeout, and no answer within the hour returns the alert to unacknowledged (as Grafana OnCall).
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { type AlertChange, compareAndSet, NOT_SNOOZED } from './change.js';
import { enqueueNotices, type ObserveDeps } from './observe.js';
import { enqueue } from './outbox.js';

/** How long the acknowledger has to answer the DM. */
export const ACK_CONFIRM_MINUTES = 60;

export const minutesBefore = (at: Date, minutes: number) => new Date(at.getTime() - minutes * 60_000);

/** Asks the acknowledger, once per acknowledgement (or confirmation) that reached the timeout. */
export function askStillOnIt(tx: Db, deps: ObserveDeps, alertId: string, timeoutMinutes: number) {
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      set: 'ack_checked_at = $2',
      where: `status = 'acknowledged' and acknowledged_by is not null and ack_checked_at is null
              and coalesce(ack_confirmed_at, acknowledged_at) <= $3 and ${NOT_SNOOZED}`,
      params: [at, minutesBefore(at, timeoutMinutes)],
      outcome: 'asked',
    },
    async (alert) => {
      await enqueueNotices(tx, deps, alert, 'changed', at);
      await enqueue(tx, { kind: 'alert.dm', alertId: alert.id, type: 'ack-check', user: alert.acknowledged_by! }, at);
    },
  );
}

/** The acknowledger's "Still on it": only theirs counts, only while the question is open. */
export function confirmStillOnIt(
  tx: Db,
  deps: ObserveDeps,
  alertId: string,
  actor: Actor,
): Promise<AlertChange<'confirmed'>> {
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      set: 'ack_confirmed_at = $2, ack_checked_at = null',
      where: `status = 'acknowledged' and acknowledged_by = $3 and ack_checked_at is not null`,
      params: [at, actor.user],
      outcome: 'confirmed',
    },
    (alert) => enqueueNotices(tx, deps, alert, 'changed', at),
  );
}

/** Nobody confirmed within the hour: unacknowledged again, reminders and escalation start over from now. */
export function lapseAcknowledgement(tx: Db, deps: ObserveDeps, alertId: string): Promise<AlertChange<'lapsed'>> {
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      // Postgres evaluates every right-hand side against the old row: ack_lapsed_by gets the acknowledger.
      set: `status = 'open', ack_lapsed_by = acknowledged_by, ack_lapsed_at = $2, acknowledged_by = null,
            acknowledged_at = null, ack_checked_at = null, ack_confirmed_at = null, open_since = $2,
            escalated_at = null, last_notified_at = $2`,
      where: `status = 'acknowledged' and ack_checked_at <= $3`,
      params: [at, minutesBefore(at, ACK_CONFIRM_MINUTES)],
      outcome: 'lapsed',
    },
    (alert) => enqueueNotices(tx, deps, alert, 'lapsed', at, true),
  );
}
