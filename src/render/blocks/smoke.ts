// SmokeReport -> Slack message, and the /smoke usage with the configured environments.
import type { Environment } from '../../config.js';
import type { SmokeReport } from '../../smoke/check.js';
import { mrkdwn, mrkdwnInline } from '../escape.js';
import { checkLines, formatLatency } from '../text/smoke.js';
import { usageText } from './help.js';
import { context, cut, fitMessage, header, type SlackMessage, sections, slackMention, slackTime } from './kit.js';
import { evidenceLine, type RunRef } from './run-ref.js';

export function smokeTitle(report: SmokeReport): string {
  return `${report.verdict === 'passed' ? '✅' : '🚨'} Smoke ${report.env}: ${report.verdict}`;
}

/** run: its id, or its id and report page; askedBy: the users who ran `/smoke` for this run (a second request joins). */
export function smokeResultMessage(
  report: SmokeReport,
  run: RunRef | string,
  askedBy: readonly string[] = [],
): SlackMessage {
  const title = smokeTitle(report);
  const failing = report.checks.filter((check) => !check.ok).map((check) => mrkdwnInline(check.path));
  const facts = [
    mrkdwn(report.baseUrl),
    slackTime(new Date(report.finishedAt)),
    `took ${formatLatency(report.durationMs)}`,
    ...(askedBy.length ? [`asked by ${askedBy.map(slackMention).join(', ')}`] : []),
  ];
  // `text` is what notifications and screen readers show, so it names what failed
  const text = failing.length ? cut(`${title} (${failing.join(', ')})`, 500) : title;
  return {
    text,
    blocks: fitMessage([
      header(title),
      ...sections(checkLines(report.checks), 40),
      context(facts.join(' · '), evidenceLine(run, 'the checks above')),
    ]),
  };
}

/** The usage, with what was wrong first and the environments /smoke can check last. */
export function smokeUsage(environments: readonly Environment[], problem?: string): string {
  const names = environments.map((env) => `\`${env.name}\``).join(', ') || 'none';
  return `${usageText('/smoke', undefined, problem)}\nConfigured environments: ${names}.`;
}
