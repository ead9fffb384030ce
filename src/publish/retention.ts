// A retention report in SLACK_COMPLIANCE_CHANNEL with data_retention_YYYYMMDD.txt and .json in its thread; the slash
// command, the monthly job and (with Slack configured) the CLI post the very same thing.
import type { Deps } from '../deps.js';
import { retentionReportMessage } from '../render/blocks/retention.js';
import { retentionFileBase, retentionReportText } from '../render/text/retention.js';
import type { RetentionReport } from '../retention/report.js';
import { setReportMessage } from '../retention/store.js';
import type { MessageRef } from '../slack/chat.js';
import { runPageUrl } from './run-links.js';

export function retentionFiles(report: RetentionReport) {
  const base = retentionFileBase(report);
  return [
    { filename: `${base}.txt`, content: retentionReportText(report) },
    { filename: `${base}.json`, content: `${JSON.stringify(report, null, 2)}\n` },
  ];
}

/** Posts report; undefined when there is nowhere to post (no channel configured, none given). */
export async function publishRetentionReport(
  deps: Pick<Deps, 'config' | 'chat' | 'db' | 'log'>,
  report: RetentionReport,
  runId: string | undefined,
  fallbackChannel?: string,
): Promise<MessageRef | undefined> {
  const channel = deps.config.slack.complianceChannel ?? fallbackChannel;
  if (!channel) {
    deps.log.warn(
      { reportId: report.id },
      'SLACK_COMPLIANCE_CHANNEL is not set: the retention report is stored, not posted',
    );
    return undefined;
  }
  const ref = await deps.chat.post(
    channel,
    retentionReportMessage(report, runId, runId ? runPageUrl(deps.config, runId) : undefined),
  );
  await setReportMessage(deps.db, report.id, ref);
  await deps.chat.upload(
    channel,
    ref.ts,
    retentionFiles(report),
    `Report \`${report.id}\`: statements and file lists.`,
  );
  return ref;
}
