// observeAlert: every job reports each run's verdict here; the lifecycle opens, updates and resolves the alert of
// its key, and hands the Slack message and emails to the outbox in the same transaction as the state change.

import type { Deps } from '../deps.js';
import type { Db } from '../store/db.js';
import type { AlertObservation, AlertOutcome } from './observation.js';
import { emailRef, enqueue, type ReplyType, slackRef } from './outbox.js';
import { ALERT_COLUMNS, type AlertRow, activeAlert, detailsOf, lockKey, recordStreak, takeRearm } from './store.js';

export type ObserveDeps = Pick<Deps, 'db' | 'mail' | 'config' | 'log' | 'now' | 'outbox'>;

const told = new WeakSet<object>();
function sayOnce(deps: ObserveDeps, subject: object, message: string): void {
  if (told.has(subject)) return;
  told.add(subject);
  deps.log.info(message);
}

/** Which channels alerts go to; what is skipped is said once per process in the log. */
export function alertChannels(deps: ObserveDeps): { slack: boolean; email: boolean } {
  const slack = Boolean(deps.config.slack.alertChannel);
  const email = deps.mail.configured && Boolean(deps.mail.alertTo);
  if (!slack) sayOnce(deps, deps.config.slack, 'alert Slack messages are skipped: no alert channel is configured');
  if (!email) sayOnce(deps, deps.mail, 'alert email is skipped: it needs both an SMTP host and an alert address');
  return { slack, email };
}

/** Queues the notices of one state change: the message sync, a thread reply, an email; inside the transaction. */
export async function enqueueNotices(
  tx: Db,
  deps: ObserveDeps,
  alert: AlertRow,
  type: ReplyType | 'changed',
  at: Date,
  reply = false,
  mention?: string,
): Promise<void> {
  const channels = alertChannels(deps);
  if (channels.slack) {
    // A reminder changes nothing the message shows: only its thread reply goes out.
    if (type !== 'reminder') await enqueue(tx, { kind: 'alert.sync', alertId: alert.id }, at);
    // Worded when it is delivered, so a reply held back by an outage says how things stand then.
    if (reply && type !== 'changed')
      await enqueue(tx, { kind: 'alert.reply', alertId: alert.id, type, ...(mention ? { mention } : {}) }, at);
  }
  // Email keeps its three notices: escalation pages people in Slack, and a lapse is Slack bookkeeping.
  if (channels.email && (type === 'opened' || type === 'reminder' || type === 'resolved'))
    await enqueue(tx, { kind: 'alert.email', alertId: alert.id, type }, at);
}

/** Delivers an alert's queued notices now; what fails stays in the outbox for the janitor. */
export async function deliverNow(deps: ObserveDeps, alertId: string): Promise<void> {
  await deps.outbox
    .deliver([slackRef(alertId), emailRef(alertId)])
    .catch((error) => deps.log.warn({ err: error, alertId }, 'alert delivery deferred to the janitor'));
}

/**
 * Records one run's verdict for observation.key. Opens an alert after failureThreshold failing runs in a row,
 * updates it on each further failure, resolves it after ALERT_SUCCESS_THRESHOLD passing runs. Safe to call from
 * several replicas at once: observations of one key are serialised in Postgres.
 */
export async function observeAlert(deps: ObserveDeps, observation: AlertObservation): Promise<AlertOutcome> {
  const at = deps.now();
  const { key, failing } = observation;
  const failureThreshold = observation.failureThreshold ?? deps.config.alerts.failureThreshold;
  const result = await deps.db.transaction(async (tx): Promise<{ outcome: AlertOutcome; alertId?: string }> => {
    await lockKey(tx, key);
    const rearmed = await takeRearm(tx, key);
    const streak = await recordStreak(tx, key, failing, at);
    const active = await activeAlert(tx, key);
    if (failing && active) {
      const [alert] = await tx.query<AlertRow>(
        `update alerts set last_seen = $2, occurrences = occurrences + 1, title = $3,
            details = $4::jsonb || jsonb_build_object('reminders', coalesce(details->'reminders', '0'::jsonb))
          where id = $1 returning ${ALERT_COLUMNS}`,
        [active.id, at, observation.title, JSON.stringify(detailsOf(observation))],
      );
      await enqueueNotices(tx, deps, alert!, 'changed', at);
      return { outcome: 'updated', alertId: active.id };
    }
    if (failing) {
      if (streak.count < failureThreshold && !rearmed) return { outcome: 'pending' };
      const [alert] = await tx.query<AlertRow>(
        `insert into alerts (key, status, title, details, first_seen, last_seen, occurrences, last_notified_at, open_since)
         values ($1, 'open', $2, $3::jsonb, $4, $5, $6, $5, $5) returning ${ALERT_COLUMNS}`,
        [key, observation.title, JSON.stringify(detailsOf(observation)), streak.since, at, streak.count],
      );
      await enqueueNotices(tx, deps, alert!, 'opened', at);
      return { outcome: 'opened', alertId: alert!.id };
    }
    if (!active) return { outcome: 'quiet' };
    if (streak.count < deps.config.alerts.successThreshold) return { outcome: 'pending' };
    // Compare-and-set: an acknowledgement committed a moment ago is kept (status open or acknowledged both resolve).
    const [alert] = await tx.query<AlertRow>(
      `update alerts set status = 'resolved', resolved_at = $2 where id = $1 and status <> 'resolved' returning ${ALERT_COLUMNS}`,
      [active.id, at],
    );
    await enqueueNotices(tx, deps, alert!, 'resolved', at, true);
    return { outcome: 'resolved', alertId: active.id };
  });
  deps.log.info({ key, failing, outcome: result.outcome, alertId: result.alertId }, 'alert observed');
  if (result.alertId) await deliverNow(deps, result.alertId);
  return result.outcome;
}
