// Retention -> Slack: the report (counts per policy, Request deletion), the request waiting for a second person
// (Approve), the deletion's live progress (Stop) and its result. Database values and error text are escaped.
import { formatBytes } from '../../format.js';
import type {
  DeletionProgress,
  PolicyCount,
  RetentionDeletionReport,
  RetentionReport,
} from '../../retention/report.js';
import { mrkdwnCode, mrkdwnInline } from '../escape.js';
import { actions, button, context, fitMessage, fitText, header, type SlackMessage, section, sections } from './kit.js';
import { evidenceLine } from './run-ref.js';

export const retentionIds = {
  request: 'retention.request',
  approve: 'retention.approve',
  stop: 'retention.stop',
} as const;

const n = (count: number) => count.toLocaleString('en-US');
const totalRows = (count: PolicyCount) => count.lines.reduce((sum, line) => sum + line.rows, 0);

function policyLine(p: PolicyCount): string {
  if (p.error) return `⚠️ *${p.policy}*: not counted: ${mrkdwnInline(p.error)}`;
  const lines = p.lines.map(
    (l) =>
      `${mrkdwnCode(l.what)} ${n(l.rows)} ${p.kind === 'table' ? 'rows' : 'files'}, ${formatBytes(l.bytes)}` +
      `${l.oldest ? `, oldest ${mrkdwnInline(l.oldest.slice(0, 10))}` : ''}`,
  );
  const allowed = p.deleteAllowed ? '' : ' · _deletion not allowed by the policy_';
  return `*${p.policy}* (${p.days} days, before ${p.cutoff.slice(0, 10)}): ${lines.join('; ')}${allowed}`;
}

/** runUrl: where the run's report is read (its /runs/<id> page), when known. */
export function retentionReportMessage(report: RetentionReport, runId?: string, runUrl?: string): SlackMessage {
  const past = report.policies.reduce((sum, p) => sum + totalRows(p), 0);
  const title = `🗄️ Data retention report ${report.takenAt.slice(0, 10)}: ${n(past)} past retention`;
  const canDelete = report.policies.some((p) => p.deleteAllowed && !p.error && totalRows(p) > 0);
  return {
    text: title,
    blocks: fitMessage([
      header(title),
      ...sections(report.policies.map(policyLine), 40),
      context(
        `Dry run: nothing was deleted. Report \`${report.id}\``,
        runId
          ? evidenceLine({ id: runId, url: runUrl }, 'the statements and file lists in this thread')
          : 'The statements and file lists are in the thread.',
      ),
      ...(canDelete
        ? [actions('retention.report', button('Request deletion', retentionIds.request, report.id, 'danger'))]
        : []),
    ]),
  };
}

export function deletionRequestMessage(reportId: string, deletionId: string, requestedBy: string): SlackMessage {
  const text = `🗑️ <@${requestedBy}> requests deletion of what report \`${reportId}\` counted. A second person approves it; then it runs in batches.`;
  return {
    text,
    blocks: [
      section(text),
      actions('retention.request', button('Approve deletion', retentionIds.approve, deletionId, 'danger')),
    ],
  };
}

export function deletionProgressMessage(
  deletionId: string,
  approvedBy: string,
  progress: DeletionProgress[],
): SlackMessage {
  const lines = progress.map((p) => `*${p.policy}*: ${n(p.deleted)} of ${n(p.total)} deleted`);
  const text = `🗑️ Deleting (approved by <@${approvedBy}>)…`;
  return {
    text,
    blocks: [
      section(text),
      ...(lines.length ? [section(lines.join('\n'))] : []),
      actions('retention.delete', button('Stop', retentionIds.stop, deletionId)),
    ],
  };
}

export function deletionResultMessage(result: RetentionDeletionReport): SlackMessage {
  const icon = result.status === 'done' ? '✅' : result.status === 'stopped' ? '⏹️' : '❌';
  const text = `${icon} Deletion ${result.status}: requested by <@${result.requestedBy}>, approved by <@${result.approvedBy}>`;
  const lines = result.policies.map(
    (p) =>
      `*${p.policy}*: ${p.deleted.map((d) => `${n(d.rows)} from ${mrkdwnCode(d.what)}`).join(', ') || 'nothing'} ` +
      `(${p.batches} batches; past retention ${n(p.before)} → ${n(p.after)})${p.stoppedBy ? ` — stopped: ${mrkdwnInline(p.stoppedBy)}` : ''}`,
  );
  return {
    text,
    blocks: fitMessage([
      section(text),
      ...sections(lines, 40),
      context(`Deletion \`${result.deletionId}\` of report \`${result.reportId}\``),
    ]),
  };
}

export function retentionLatestText(report: RetentionReport | undefined): string {
  if (!report) return 'No retention report yet. `/retention run` counts what is past retention (nothing is deleted).';
  return fitText(
    [`*Retention report ${report.takenAt.slice(0, 10)}* (\`${report.id}\`)`, ...report.policies.map(policyLine)].join(
      '\n',
    ),
  );
}

export function retentionUsage(problem?: string): string {
  return [
    ...(problem ? [problem, ''] : []),
    '`/retention run` counts what is past retention and posts the report (nothing is deleted).',
    "`/retention latest` shows the last report. Deleting takes *Request deletion* on a report and a second person's approval.",
  ].join('\n');
}
