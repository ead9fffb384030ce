// Delivers the alerts' outbox: Slack messages, thread replies and emails, each exactly once, in order per alert.
// Called right after a state change (so people hear at once) and by the janitor (so nothing waits forever).

import {
  CLAIM_MS,
  type ClaimOptions,
  claimNext,
  extendClaim,
  markDelivered,
  markFailed,
  newerReminderQueued,
  newestPendingSync,
  type OutboxItem,
  type ReplyType,
} from '../alerts/outbox.js';
import { type AlertRow, findAlert } from '../alerts/store.js';
import type { Deps } from '../deps.js';
import { maskSecrets } from '../redact.js';
import { alertMessage, alertReminderText, alertResolvedText } from '../render/blocks/alert.js';
import { alertEscalatedText, alertLapsedText } from '../render/blocks/alert-actions.js';
import { alertEmail } from '../render/text/alert-email.js';
import { slackErrorCode } from '../slack/chat.js';
import { deliverDm } from './alert-dm.js';
import { runPageUrl } from './run-links.js';

export type DeliveryDeps = Pick<Deps, 'db' | 'chat' | 'mail' | 'config' | 'log' | 'now' | 'runs'>;
export interface DeliveryReport {
  delivered: number;
  failed: number;
}

/** Delivers what is due (at most limit items); a failure reschedules that item and holds back the rest of its ref. */
export async function deliverOutbox(
  deps: DeliveryDeps,
  options: ClaimOptions & { limit?: number } = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0 };
  const skipRefs: string[] = [];
  for (let i = 0; i < (options.limit ?? 100); i++) {
    const item = await claimNext(deps.db, deps.now(), { ...options, skipRefs, owner: deps.runs.owner });
    if (!item) break;
    // The claim lives as long as this delivery does: a slow Slack never lets a second replica in mid-call.
    const keep = setInterval(() => void extendClaim(deps.db, item, deps.now()).catch(() => {}), CLAIM_MS / 3);
    try {
      const coveredSyncUpTo = await deliverItem(deps, item);
      await markDelivered(deps.db, item, deps.now(), coveredSyncUpTo);
      report.delivered += 1;
    } catch (error) {
      const reason = maskSecrets(slackErrorCode(error));
      const retryAt = await markFailed(deps.db, item, deps.now(), reason);
      deps.log.warn(
        { outboxId: item.id, kind: item.kind, ref: item.ref, attempts: item.attempts, reason, retryAt },
        'alert delivery failed; kept in the outbox',
      );
      skipRefs.push(item.ref);
      report.failed += 1;
    } finally {
      clearInterval(keep);
    }
  }
  return report;
}

/** Delivers one item; for a sync, returns the newest sync id its message covers. */
async function deliverItem(deps: DeliveryDeps, item: OutboxItem): Promise<string | undefined> {
  const { payload } = item;
  // Read before the alert: every sync committed by now is reflected in the state read next.
  const covered = payload.kind === 'alert.sync' ? await newestPendingSync(deps.db, item.ref) : undefined;
  const alert = await findAlert(deps.db, payload.alertId);
  if (!alert) return covered;
  if (payload.kind === 'alert.sync') {
    await syncMessage(deps, alert, item.attempts > 1);
    return covered;
  }
  // A reminder that arrives after someone acknowledged (or it resolved) would be noise; reminders queued during an
  // outage go out as one, the newest, worded for the time it is sent.
  if (payload.type === 'reminder' && (alert.status !== 'open' || (await newerReminderQueued(deps.db, item))))
    return undefined;
  if (payload.kind === 'alert.dm') return void (await deliverDm(deps, alert, payload.type, payload.user));
  if (payload.kind === 'alert.reply') {
    if (!alert.slack_channel || !alert.slack_ts) throw new Error('the alert message is not posted yet');
    const text = payload.text ?? replyText(alert, payload.type, deps.now(), payload.mention);
    await deps.chat.post(alert.slack_channel, { text }, alert.slack_ts, {
      eventType: 'opsbot_alert_reply',
      key: `outbox:${item.id}`,
      lookFirst: item.attempts > 1,
    });
    return undefined;
  }
  if (!deps.mail.configured || !deps.mail.alertTo) {
    deps.log.warn({ alertId: alert.id, type: payload.type }, 'alert email dropped: email is no longer configured');
    return undefined;
  }
  const permalink =
    alert.slack_channel && alert.slack_ts
      ? await deps.chat.permalink({ channel: alert.slack_channel, ts: alert.slack_ts })
      : undefined;
  const mail = alertEmail(alert, payload.type, deps.now(), { permalink, links: deps.config.alerts.links });
  await deps.mail.send({ to: deps.mail.alertTo, ...mail });
  if (payload.type === 'opened') await deps.db.query('update alerts set email_sent = true where id = $1', [alert.id]);
  return undefined;
}

function replyText(alert: AlertRow, type: ReplyType, now: Date, mention = 'On-call'): string {
  if (type === 'reminder') return alertReminderText(alert, now);
  if (type === 'escalated') return alertEscalatedText(alert, mention);
  if (type === 'lapsed') return alertLapsedText(alert);
  return alertResolvedText(alert);
}

async function syncMessage(deps: DeliveryDeps, alert: AlertRow, retried: boolean): Promise<void> {
  const runId = alert.details.runId;
  const message = alertMessage(alert, deps.config.alerts.links, runId ? runPageUrl(deps.config, runId) : undefined);
  if (alert.slack_channel && alert.slack_ts) {
    await deps.chat.update({ channel: alert.slack_channel, ts: alert.slack_ts }, message);
    return;
  }
  const channel = deps.config.slack.alertChannel;
  if (!channel) throw new Error('no alert channel is configured');
  // Marked with the alert: a retry after a lost answer, or after a crash before the update below, finds the copy.
  const ref = await deps.chat.post(channel, message, undefined, {
    eventType: 'opsbot_alert',
    key: `alert:${alert.id}`,
    lookFirst: retried,
  });
  await deps.db.query('update alerts set slack_channel = $2, slack_ts = $3 where id = $1', [
    alert.id,
    ref.channel,
    ref.ts,
  ]);
}
