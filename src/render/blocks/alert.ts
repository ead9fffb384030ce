// Alert -> Slack message: one message per alert, rebuilt from its current state each time it changes.

import type { AlertRow } from '../../alerts/store.js';
import { formatDuration } from '../../format.js';
import { maskUrl } from '../../redact.js';
import { mrkdwn, mrkdwnInline } from '../escape.js';
import {
  button,
  context,
  cut,
  fitMessage,
  fitText,
  header,
  type KnownBlock,
  type SlackMessage,
  section,
  sections,
  slackDateTime,
  slackMention,
  slackTime,
} from './kit.js';
import { evidenceLine } from './run-ref.js';

export const alertIds = {
  acknowledge: 'alert.acknowledge',
  snooze: 'alert.snooze',
  resolve: 'alert.resolve',
  resolveModal: 'alert.resolve-modal',
  stillOnIt: 'alert.still-on-it',
} as const;

export interface AlertLink {
  name: string;
  url: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** The title without its leading emoji, for "Resolved: …". */
const bareTitle = (title: string) => title.replace(/^[^\p{L}\p{N}*_`]+/u, '');

export function alertHeadline(alert: AlertRow): string {
  return alert.status === 'resolved' ? `✅ Resolved: ${bareTitle(alert.title)}` : alert.title;
}

/** Where the alert stands: failing since, occurrences, who acknowledged, snoozed, escalated or resolved it. */
export function alertStateLine(alert: AlertRow): string {
  const seen = `${plural(alert.occurrences, 'failing run')}, last at ${slackTime(alert.last_seen)}`;
  const acked =
    alert.acknowledged_by && alert.acknowledged_at
      ? `Acknowledged by ${slackMention(alert.acknowledged_by)} at ${slackTime(alert.acknowledged_at)}`
      : undefined;
  if (alert.status === 'resolved' && alert.resolved_at) {
    const down = formatDuration(alert.resolved_at.getTime() - alert.first_seen.getTime());
    const by = alert.resolved_by ? ` by ${slackMention(alert.resolved_by)}` : '';
    const note = alert.resolve_note ? `: ${mrkdwnInline(cut(alert.resolve_note, 500))}` : '';
    return [`*Resolved*${by} at ${slackTime(alert.resolved_at)} after ${down}${note}`, seen, acked]
      .filter(Boolean)
      .join(' · ');
  }
  return [
    acked ? `*${acked}*` : undefined,
    ...actionLines(alert),
    `Failing since ${slackDateTime(alert.first_seen)}`,
    seen,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What people and the timers did to an unresolved alert: snoozed, escalated, asked, confirmed, lapsed. */
function actionLines(alert: AlertRow): string[] {
  const lines: string[] = [];
  if (alert.snoozed_until)
    lines.push(
      `💤 Snoozed${alert.snoozed_by ? ` by ${slackMention(alert.snoozed_by)}` : ''} until ${slackDateTime(alert.snoozed_until)}`,
    );
  if (alert.status === 'acknowledged' && alert.ack_checked_at && alert.acknowledged_by)
    lines.push(
      `⏳ Asked ${slackMention(alert.acknowledged_by)} at ${slackTime(alert.ack_checked_at)} whether still on it`,
    );
  else if (alert.status === 'acknowledged' && alert.ack_confirmed_at)
    lines.push(`Still on it at ${slackTime(alert.ack_confirmed_at)}`);
  if (alert.status === 'open' && alert.ack_lapsed_by && alert.ack_lapsed_at)
    lines.push(
      `*Unacknowledged again*: ${slackMention(alert.ack_lapsed_by)} did not confirm by ${slackTime(alert.ack_lapsed_at)}`,
    );
  if (alert.status === 'open' && alert.escalated_at)
    lines.push(`📣 Escalated to on-call at ${slackTime(alert.escalated_at)}`);
  return lines;
}

/** Acknowledge (while nobody has), Resolve, and a Snooze menu (or End snooze while snoozed). */
function alertActions(alert: AlertRow): KnownBlock {
  const option = (text: string, value: string) => ({
    text: { type: 'plain_text' as const, text },
    value: `${alert.id}:${value}`,
  });
  const snooze = alert.snoozed_until
    ? [option('End snooze', 'end')]
    : [option('Snooze 1 h', '1h'), option('Snooze 4 h', '4h'), option('Snooze until tomorrow 09:00', 'morning')];
  return {
    type: 'actions',
    block_id: `alert.${alert.id}`,
    elements: [
      ...(alert.status === 'open' ? [button('Acknowledge', alertIds.acknowledge, alert.id, 'primary')] : []),
      button('Resolve…', alertIds.resolve, alert.id),
      { type: 'overflow', action_id: alertIds.snooze, options: snooze },
    ],
  };
}

/** runUrl: the report page of the alert's latest run (details.runId), when report pages are configured. */
export function alertMessage(alert: AlertRow, links: readonly AlertLink[], runUrl?: string): SlackMessage {
  const { details } = alert;
  const title = alertHeadline(alert);
  const blocks: KnownBlock[] = [header(title)];
  if (details.url) blocks.push(section(`*Environment:* ${mrkdwn(maskUrl(details.url))}`));
  blocks.push(...sections(details.lines, 20));
  if (details.tips?.length && alert.status !== 'resolved') {
    blocks.push(section(`💡 *Quick tips*\n${details.tips.map((tip) => `• ${tip}`).join('\n')}`));
  }
  const linkText = links.map((link) => `<${link.url}|${mrkdwnInline(link.name).replace(/\|/g, '¦')}>`).join(' · ');
  blocks.push(
    context(
      alertStateLine(alert),
      ...(details.runId ? [evidenceLine({ id: details.runId, url: runUrl }, 'reminders in this thread')] : []),
    ),
  );
  if (linkText) blocks.push(context(linkText));
  if (alert.status !== 'resolved') blocks.push(alertActions(alert));
  return { text: fitText(`${title} — ${alertStateLine(alert).replace(/\*/g, '')}`), blocks: fitMessage(blocks) };
}

/** The thread reply of a reminder, written when it is due. */
export function alertReminderText(alert: AlertRow, now: Date): string {
  const since = formatDuration(now.getTime() - alert.first_seen.getTime());
  return (
    `⏰ Still failing after ${since} and nobody has acknowledged it (${plural(alert.occurrences, 'failing run')}). ` +
    'Press *Acknowledge* on the alert when you pick it up.'
  );
}

export function alertResolvedText(alert: AlertRow): string {
  if (alert.resolved_by)
    return `✅ Resolved by ${slackMention(alert.resolved_by)}${alert.resolve_note ? `: ${mrkdwnInline(cut(alert.resolve_note, 500))}` : ''}. A later failing run opens a new alert.`;
  const down = alert.resolved_at ? formatDuration(alert.resolved_at.getTime() - alert.first_seen.getTime()) : 'a while';
  return (
    `✅ Resolved: passing again after ${down} (failing since ${slackDateTime(alert.first_seen)}, ` +
    `${plural(alert.occurrences, 'failing run')}).`
  );
}
