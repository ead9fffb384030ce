// The retention report as the runbook's data_retention_YYYYMMDD.txt (and its JSON), and a deletion's result as text.
import { formatBytes } from '../../format.js';
import type { PolicyCount, RetentionDeletionReport, RetentionReport } from '../../retention/report.js';

const RULE = '='.repeat(60);

export function retentionFileBase(report: Pick<RetentionReport, 'takenAt'>): string {
  return `data_retention_${report.takenAt.slice(0, 10).replace(/-/g, '')}`;
}

function policyLines(p: PolicyCount): string[] {
  const head = `${p.policy} (${p.kind === 'table' ? `database of ${p.where}` : `folder ${p.where}`}): older than ${p.days} days, before ${p.cutoff}`;
  if (p.error) return [head, `  NOT COUNTED: ${p.error}`, ''];
  return [
    head,
    ...p.lines.map(
      (l) =>
        `  ${l.what.padEnd(24)} ${String(l.rows).padStart(10)} ${p.kind === 'table' ? 'rows ' : 'files'}  ${formatBytes(l.bytes).padStart(9)}` +
        `${l.oldest ? `  oldest ${l.oldest}` : ''}${l.samples.length ? `  e.g. ${l.samples.join(', ')}` : ''}`,
    ),
    `  deletion: ${p.deleteAllowed ? 'allowed' : 'NOT allowed by the policy'}`,
    ...(p.kind === 'table'
      ? p.statements.map((s) => `  would run: ${s}`)
      : (p.files ?? []).map((f) => `  would delete: ${f}`)),
    '',
  ];
}

export function retentionReportText(report: RetentionReport): string {
  return [
    RULE,
    'DATA RETENTION REPORT (dry run: nothing was deleted)',
    RULE,
    `Report: ${report.id}`,
    `Date: ${report.takenAt}`,
    `Policies: ${report.policies.length}`,
    RULE,
    '',
    ...report.policies.flatMap(policyLines),
    'To delete: Request deletion on the report in Slack; a second person approves; then it runs in batches.',
    '',
  ].join('\n');
}

export function deletionResultText(result: RetentionDeletionReport): string {
  return [
    `Deletion ${result.deletionId} of report ${result.reportId}: ${result.status.toUpperCase()}`,
    `Requested by ${result.requestedBy}, approved by ${result.approvedBy}; ${result.startedAt} to ${result.finishedAt}.`,
    ...result.policies.map(
      (p) =>
        `${p.policy}: ${p.deleted.map((d) => `${d.rows} from ${d.what}`).join(', ') || 'nothing'} in ${p.batches} batch(es); ` +
        `past retention before ${p.before}, after ${p.after}${p.stoppedBy ? ` (stopped: ${p.stoppedBy})` : ''}`,
    ),
  ].join('\n');
}
