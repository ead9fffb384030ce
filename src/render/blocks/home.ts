// HomeSummary -> the App Home view (at most 100 blocks), and the same summary as a message for `/opsbot status`.
import type { HomeView, KnownBlock } from '@slack/types';
import { formatAge } from '../../format.js';
import type { HomeSummary } from '../../home/summary.js';
import { mrkdwnCode, mrkdwnInline } from '../escape.js';
import { alertIds } from './alert.js';
import { runnableCommands } from './help.js';
import {
  actions,
  button,
  context,
  divider,
  fitMessage,
  header,
  type SlackMessage,
  section,
  sections,
  slackDateTime,
  slackMention,
} from './kit.js';
import { runIdLink } from './run-ref.js';

/** The messages a summary links to, for the publisher to resolve. */
export function homeMessages(s: HomeSummary): { channel: string; ts: string }[] {
  return [...s.alerts.map((a) => a.message), ...s.environments.map((e) => e.drill?.message)].filter(
    (m): m is { channel: string; ts: string } => Boolean(m),
  );
}
export { linkKey as homeLinkKey };

export const homeIds = { seed: 'home.seed' } as const;
const HOME_BLOCKS = 100;

/**
 * Permalinks by `channel:ts`, resolved by the publisher: a run id or an alert links to the message with its report;
 * with report pages configured, `run:<id>` holds the run's page, which a run id links to instead.
 */
export type HomeLinks = Record<string, string>;
const linkKey = (m: { channel: string; ts: string }) => `${m.channel}:${m.ts}`;
/** `<url|label>` when url is known (label already escaped for mrkdwn), else the label alone. */
function linked(label: string, message: { channel: string; ts: string } | undefined, links: HomeLinks): string {
  const url = message && links[linkKey(message)];
  // A permalink is Slack's own https URL; anything else (or one carrying | or >) is not made a link.
  return url && /^https:\/\/[^\s|<>]+$/.test(url) ? `<${url}|${label}>` : label;
}

const ago = (at: Date, now: Date) => `${formatAge((now.getTime() - at.getTime()) / 1000)} ago`;
const roleLine = (s: HomeSummary) =>
  s.roles.length > 0
    ? `You are ${s.roles.map((r) => `*${r}*`).join(', ')} in opsbot.`
    : 'You hold no opsbot role: you see alerts and reports, and may acknowledge alerts.';

/** The summary's sections as mrkdwn lines, each group under its title: shared by the Home and `/opsbot status`. */
function summaryGroups(s: HomeSummary, links: HomeLinks): { title: string; lines: string[] }[] {
  const alerts = s.alerts.map((a) => {
    const state =
      a.status === 'acknowledged' && a.acknowledged_by
        ? `acknowledged by ${slackMention(a.acknowledged_by)}${a.acknowledged_at ? ` ${ago(a.acknowledged_at, s.now)}` : ''}`
        : `*${a.status}*`;
    return `• ${linked(mrkdwnInline(a.title), a.message, links)} — ${state} · since ${slackDateTime(a.first_seen)} (${ago(a.first_seen, s.now)})`;
  });
  if (s.alertCount > s.alerts.length) alerts.push(`…and ${s.alertCount - s.alerts.length} more open alerts`);
  const approvals = s.approvals.map(
    (r) =>
      `• ${mrkdwnCode(r.env)} ${mrkdwnInline(r.title)} (${mrkdwnCode(r.ref)}, by ${mrkdwnInline(r.requestedBy)}) — waits for your approval until ${slackDateTime(new Date(r.expiresAt))}; \`/approvals\` lists it`,
  );
  const access = s.access
    ? [
        `Taken ${slackDateTime(s.access.takenAt)} (${ago(s.access.takenAt, s.now)}): ${
          s.access.decision
            ? `*${s.access.decision}*${s.access.decidedBy ? ` by ${slackMention(s.access.decidedBy)}` : ''}`
            : s.access.needsYou
              ? '*waiting for your decision* in the review thread'
              : '*waiting for a reviewer*'
        }`,
      ]
    : [];
  const environments = s.environments.map((e) => {
    const backup = e.backup ? `backup ${mrkdwnInline(e.backup.status)} ${ago(e.backup.at, s.now)}` : 'no backup yet';
    const drill = e.drill
      ? `drill ${mrkdwnInline(e.drill.outcome)} ${ago(e.drill.at, s.now)} (run ${links[`run:${e.drill.runId}`] ? runIdLink(e.drill.runId, links[`run:${e.drill.runId}`]) : linked(mrkdwnCode(e.drill.runId), e.drill.message, links)})`
      : 'no drill yet';
    return `• ${mrkdwnCode(e.env)}: ${backup} · ${drill}`;
  });
  const runs = s.nextRuns.map((r) => `• ${mrkdwnCode(r.job)} ${slackDateTime(r.at)}`);
  return [
    { title: `🚨 Open alerts (${s.alertCount})`, lines: alerts.length > 0 ? alerts : ['No open alert.'] },
    {
      title: '🛠️ Maintenance windows',
      lines:
        s.maintenance.length > 0
          ? s.maintenance.map(
              (w) =>
                `• ${mrkdwnCode(w.env)} until ${slackDateTime(new Date(w.endsAt))} — ${mrkdwnInline(w.reason)} (by ${slackMention(w.createdBy)})`,
            )
          : ['No window is open.'],
    },
    { title: '✅ Approvals waiting for you', lines: approvals.length > 0 ? approvals : ['Nothing waits for you.'] },
    { title: '🔐 Latest access review', lines: access.length > 0 ? access : ['No review yet.'] },
    {
      title: '💾 Backups and restore drills',
      lines: environments.length > 0 ? environments : ['No environment is backed up (BACKUP_ENVIRONMENTS).'],
    },
    { title: '⏱️ Next scheduled runs', lines: runs.length > 0 ? runs : ['Nothing is scheduled on this replica.'] },
  ];
}

// Each a block of its own (Slack wants action ids unique within a block); ten keep the Home well inside 100 blocks.
const HOME_ACK_BUTTONS = 10;

/** Acknowledge on each open alert: the alert message's own action, so it goes through the same handler and audit. */
function acknowledgeButtons(s: HomeSummary): KnownBlock[] {
  return s.alerts
    .filter((a) => a.status === 'open')
    .slice(0, HOME_ACK_BUTTONS)
    .map((a) => actions(`home.alert.${a.id}`, button(`Acknowledge ${a.key}`, alertIds.acknowledge, a.id, 'primary')));
}

/** The App Home of one person: what needs them first, then what they may run. */
export function homeView(s: HomeSummary, links: HomeLinks = {}): HomeView {
  const blocks: KnownBlock[] = [header('opsbot'), context(roleLine(s), `Updated ${slackDateTime(s.now)}`)];
  summaryGroups(s, links).forEach((group, i) => {
    blocks.push(divider(), section(`*${group.title}*`), ...sections(group.lines, 4));
    if (i === 0) blocks.push(...acknowledgeButtons(s));
  });
  const commands = runnableCommands(s.roles);
  blocks.push(divider(), section('*What you may run*'));
  if (s.roles.includes('operator')) blocks.push(actions('home.commands', button('Seed pilots…', homeIds.seed)));
  blocks.push(
    ...sections(
      commands.flatMap((c) => [`*${c.command}* — ${c.summary}`, ...c.lines.map((line) => `• ${line}`)]),
      HOME_BLOCKS - blocks.length - 1,
    ),
  );
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) };
}

/** `/opsbot status`: the Home's summary as an ephemeral message (50 blocks at most). */
export function homeStatusMessage(s: HomeSummary, links: HomeLinks = {}): SlackMessage {
  const blocks: KnownBlock[] = [header('opsbot status'), context(roleLine(s))];
  for (const group of summaryGroups(s, links)) blocks.push(section(`*${group.title}*`), ...sections(group.lines, 3));
  const waiting = s.approvals.length + (s.access?.needsYou ? 1 : 0);
  return {
    text: `opsbot status: ${s.alertCount} open alert(s), ${s.maintenance.length} maintenance window(s), ${waiting} waiting for you`,
    blocks: fitMessage(blocks),
  };
}
