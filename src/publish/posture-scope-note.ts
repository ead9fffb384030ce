// A token without admin:org is reported once in the alert channel, not every week and not as an outage.

import type { Deps } from '../deps.js';
import type { PostureReport } from '../posture/check.js';
import { postureScopeMessage } from '../render/blocks/posture.js';
import { runPageUrl } from './run-links.js';

/** True when the note was posted; false when the previous check already said the same. */
export async function reportScopeProblemOnce(
  deps: Pick<Deps, 'config' | 'chat' | 'db' | 'log'>,
  report: PostureReport,
  runId: string,
): Promise<boolean> {
  const [previous] = await deps.db.query<{ report: PostureReport | string | null }>(
    `select report from runs where kind = 'posture' and id <> $1 and report is not null order by started_at desc limit 1`,
    [runId],
  );
  const last = typeof previous?.report === 'string' ? (JSON.parse(previous.report) as PostureReport) : previous?.report;
  if (last?.verdict === 'unknown' && last.scopeProblem === report.scopeProblem) return false;
  deps.log.warn({ org: report.org, problem: report.scopeProblem }, 'github posture: token cannot see 2FA settings');
  const channel = deps.config.slack.alertChannel;
  if (channel) await deps.chat.post(channel, postureScopeMessage(report, runId, runPageUrl(deps.config, runId)));
  return true;
}
