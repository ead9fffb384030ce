// Drill reports -> Slack messages: the progress message (one, updated per phase), the verdict, history, usage.

import type { LockHolder } from '../../coord/coord.js';
import type { DrillRun } from '../../drill/history.js';
import type { DrillReport, Phase } from '../../drill/report.js';
import { formatAge, formatMs } from '../../format.js';
import { mrkdwn, mrkdwnCode, mrkdwnInline } from '../escape.js';
import { busyText } from '../text/busy.js';
import { PHASE_TITLES } from '../text/drill-phases.js';
import { usageText } from './help.js';
import {
  context,
  cut,
  fitMessage,
  fitText,
  header,
  type SlackMessage,
  section,
  sections,
  slackDateTime,
  slackMention,
  slackTime,
} from './kit.js';
import { evidenceLine, runIdLink } from './run-ref.js';

const SHOWN_EQUAL_TABLES = 30;
const ICON: Record<Phase['status'], string> = { pending: '▫️', running: '🔄', done: '✅', failed: '❌', skipped: '⏭️' };

function phaseLine(phase: Phase): string {
  const time = phase.ms !== undefined && phase.status !== 'running' ? ` · ${formatMs(phase.ms)}` : '';
  const detail = phase.detail ? ` — ${mrkdwnInline(phase.detail)}` : phase.status === 'running' ? '…' : '';
  return `${ICON[phase.status]} *${PHASE_TITLES[phase.name]}*${detail}${time}`;
}

function facts(report: ProgressView, runUrl: string | undefined): string {
  return [
    `source ${mrkdwn(report.source)}`,
    `run ${runIdLink(report.runId, runUrl)}`,
    `started ${slackTime(new Date(report.startedAt))}`,
  ].join(' · ');
}

export type ProgressView = Pick<DrillReport, 'env' | 'phases' | 'source' | 'runId' | 'startedAt'>;

/** runUrl: where the run's report is read (its /runs/<id> page), when known. */
export function drillProgressMessage(report: ProgressView, runUrl?: string): SlackMessage {
  const title = `🔄 Restore drill of ${report.env}: running`;
  return {
    text: title,
    blocks: fitMessage([header(title), ...sections(report.phases.map(phaseLine), 10), context(facts(report, runUrl))]),
  };
}

export function drillTitle(report: DrillReport): string {
  return `${report.verdict === 'PASS' ? '✅' : '🚨'} Restore drill of ${report.env}: ${report.verdict}`;
}

/** runUrl: where the run's report is read (its /runs/<id> page), when known. */
export function drillResultMessage(report: DrillReport, runUrl?: string): SlackMessage {
  const title = drillTitle(report);
  const t = report.timings;
  const summary = [
    report.backup
      ? `Backup \`${report.backup.id}\`, ${formatAge(report.backup.ageSeconds)} old, sha256 \`${report.backup.sha256.slice(0, 16)}…\``
      : 'No backup restored',
    t.recoveryMs !== undefined ? `Recovery time (restore + verify): *${formatMs(t.recoveryMs)}*` : undefined,
    `Drill database \`${report.drillDatabase}\` ${!report.databaseCreated ? 'not created' : report.databaseDropped ? 'dropped' : 'not dropped yet (the janitor drops it)'}`,
  ]
    .filter(Boolean)
    .join('\n');
  const line = (table: DrillReport['tables'][number]) =>
    `${table.ok ? '✅' : '❌'} ${mrkdwnCode(`${table.schema}.${table.name}`)} ${table.sourceRows ?? '—'} → ${table.restoredRows ?? '—'} rows · ` +
    `\`${table.sourceChecksum ?? '—'}\`${table.ok ? '' : ` — ${mrkdwnInline(table.problem)}`}`;
  // Every mismatch, then the first equal tables: the message stays readable, the files in the thread hold them all.
  const equal = report.tables.filter((table) => table.ok);
  const tableLines = [
    ...report.tables.filter((table) => !table.ok).map(line),
    ...equal.slice(0, SHOWN_EQUAL_TABLES).map(line),
    ...(equal.length > SHOWN_EQUAL_TABLES
      ? [`…and ${equal.length - SHOWN_EQUAL_TABLES} more tables, all equal (every table is in the report)`]
      : []),
  ];
  const reasons = report.reasons.map((reason) => `• ${mrkdwnInline(reason)}`);
  return {
    text: report.verdict === 'PASS' ? title : cut(`${title}: ${mrkdwnInline(report.reasons[0] ?? '')}`, 300),
    blocks: fitMessage([
      header(title),
      ...(reasons.length ? sections(reasons, 4) : []),
      section(summary),
      ...sections(report.phases.map(phaseLine), 6),
      ...sections(tableLines, 4),
      context(
        [`source ${mrkdwn(report.source)}`, `started ${slackTime(new Date(report.startedAt))}`].join(' · '),
        evidenceLine({ id: report.runId, url: runUrl }, 'the full report and its files in this thread'),
      ),
    ]),
  };
}

/** The answer to `/drill restore history`: the last drills, newest first; run ids link to their report's message. */
export function drillHistoryText(runs: DrillRun[], links: Record<string, string> = {}): string {
  if (runs.length === 0) return 'No restore drill has run yet. Start one with `/drill restore [env]`.';
  const lines = runs.map((run) => {
    const outcome = run.outcome;
    const icon = outcome === 'PASS' ? '✅' : outcome === 'RUNNING' ? '🔄' : '🚨';
    const recovery =
      run.report?.timings.recoveryMs !== undefined ? ` · recovery ${formatMs(run.report.timings.recoveryMs)}` : '';
    const why = outcome === 'PASS' ? '' : ` — ${cut(mrkdwnInline(run.report?.reasons[0] ?? run.error ?? ''), 300)}`;
    const by = run.actor ? slackMention(run.actor) : run.trigger === 'cron' ? 'schedule' : run.trigger;
    return `${icon} ${slackDateTime(run.startedAt)} · *${run.env}* ${outcome} · ${by} · ${runIdLink(run.runId, links[run.runId])}${recovery}${why}`;
  });
  return cut([`*Last ${runs.length} restore drill${runs.length === 1 ? '' : 's'}*`, ...lines].join('\n'), 3900);
}

export function drillUsage(names: string[], problem?: string): string {
  return `${usageText('/drill', undefined, problem)}\nEnvironments: ${names.map((n) => `\`${n}\``).join(', ')}.`;
}

export function busyTextFor(env: string, holder: LockHolder | null): string {
  return fitText(busyText(env, holder, slackMention));
}
