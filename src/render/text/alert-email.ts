// The alert emails (opened, reminder, resolved): plain text, built when they are sent so they carry the Slack link.
// The service's answers in them are shown literally; emailText only makes them well-formed.
import type { NoticeType } from '../../alerts/outbox.js';
import type { AlertRow } from '../../alerts/store.js';
import { formatDuration, utcDateTime } from '../../format.js';
import { maskUrl } from '../../redact.js';
import { emailSubject, emailText } from '../escape.js';

export interface AlertEmail {
  subject: string;
  text: string;
}

const bare = (subject: string) => subject.replace(/^[^\p{L}\p{N}]+/u, '');

export function alertEmail(
  alert: AlertRow,
  type: NoticeType,
  now: Date,
  extras: { permalink?: string; links: readonly { name: string; url: string }[] },
): AlertEmail {
  const { subject, text } = composeAlertEmail(alert, type, now, extras);
  return { subject: emailSubject(subject), text: emailText(text) };
}

function composeAlertEmail(
  alert: AlertRow,
  type: NoticeType,
  now: Date,
  extras: { permalink?: string; links: readonly { name: string; url: string }[] },
): AlertEmail {
  const { email } = alert.details;
  const slack = extras.permalink
    ? `Slack: ${extras.permalink}`
    : 'Slack: the alert message is not posted yet (Slack did not answer); opsbot keeps trying.';
  const facts = [
    `Failing since: ${utcDateTime(alert.first_seen)} (${alert.occurrences} failing run${alert.occurrences === 1 ? '' : 's'})`,
    ...(alert.details.runId ? [`Run: ${alert.details.runId}`] : []),
    slack,
    ...extras.links.map((link) => `${link.name}: ${link.url}`),
  ];
  if (type === 'resolved') {
    const down = formatDuration((alert.resolved_at ?? now).getTime() - alert.first_seen.getTime());
    return {
      subject: `✅ Resolved: ${bare(email.subject)}`,
      text: [
        alert.resolved_by
          ? `Resolved by hand by Slack user ${alert.resolved_by} at ${utcDateTime(alert.resolved_at ?? now)}, after ${down}: ${alert.resolve_note ?? ''}`
          : `Resolved at ${utcDateTime(alert.resolved_at ?? now)}: passing again after ${down}.`,
        ...(alert.details.url ? [`URL: ${maskUrl(alert.details.url)}`] : []),
        '',
        ...facts,
      ].join('\n'),
    };
  }
  const lead =
    type === 'reminder'
      ? [
          `Still failing after ${formatDuration(now.getTime() - alert.first_seen.getTime())}, and nobody has acknowledged it.`,
          '',
        ]
      : [];
  return {
    subject: type === 'reminder' ? `Reminder: ${email.subject}` : email.subject,
    text: [...lead, email.text.trimEnd(), '', ...facts].join('\n'),
  };
}
