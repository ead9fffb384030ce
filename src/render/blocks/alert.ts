// Alert -> Slack message: one message per alert, rebuilt from its current state each time it changes.

import type { AlertRow } from '../../alerts/store.js';
import { formatDuration } from '../../format.js';
import { maskUrl } from '../../redact.js';
import { mrkdwn, mrkdwnInline } from '../escape.js';
import {
  actions,
  button,
  context,
  fitMessage,
  header,
  type KnownBlock,
  type SlackMessage,
  section,
  sections,
  slackDateTime,
  slackMention,
  slackTime,
} from './kit.js';

export const alertIds = { acknowledge: 'alert.acknowledge' } as const;

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

/** Where the alert stands: failing since, occurrences, who acknowledged it, how long it was down. */
export function alertStateLine(alert: AlertRow): string {
  const seen = `${plural(alert.occurrences, 'failing run')}, last at ${slackTime(alert.last_seen)}`;
  const acked =
    alert.acknowledged_by && alert.acknowledged_at
      ? `Acknowledged by ${slackMention(alert.acknowledged_by)} at ${slackTime(alert.acknowledged_at)}`
      : undefined;
  if (alert.status === 'resolved' && alert.resolved_at) {
    const down = formatDuration(alert.resolved_at.getTime() - alert.first_seen.getTime());
    return [`*Resolved* at ${slackTime(alert.resolved_at)} after ${down}`, seen, acked].filter(Boolean).join(' · ');
  }
  return [acked ? `*${acked}*` : undefined, `Failing since ${slackDateTime(alert.first_seen)}`, seen]
    .filter(Boolean)
    .join(' · ');
}

export function alertMessage(alert: AlertRow, links: readonly AlertLink[]): SlackMessage {
  const { details } = alert;
  const title = alertHeadline(alert);
  const blocks: KnownBlock[] = [header(title)];
  if (details.url) blocks.push(section(`*Environment:* ${mrkdwn(maskUrl(details.url))}`));
  blocks.push(...sections(details.lines, 20));
  if (details.tips?.length && alert.status !== 'resolved') {
    blocks.push(section(`💡 *Quick tips*\n${details.tips.map((tip) => `• ${tip}`).join('\n')}`));
  }
  const linkText = links.map((link) => `<${link.url}|${mrkdwnInline(link.name).replace(/\|/g, '¦')}>`).join(' · ');
  blocks.push(context(alertStateLine(alert), ...(details.runId ? [`run ${mrkdwn(details.runId)}`] : [])));
  if (linkText) blocks.push(context(linkText));
  if (alert.status === 'open') {
    blocks.push(actions(`alert.${alert.id}`, button('Acknowledge', alertIds.acknowledge, alert.id, 'primary')));
  }
  return { text: `${title} — ${alertStateLine(alert).replace(/\*/g, '')}`, blocks: fitMessage(blocks) };
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
  const down = alert.resolved_at ? formatDuration(alert.resolved_at.getTime() - alert.first_seen.getTime()) : 'a while';
  return (
    `✅ Resolved: passing again after ${down} (failing since ${slackDateTime(alert.first_seen)}, ` +
    `${plural(alert.occurrences, 'failing run')}).`
  );
}
