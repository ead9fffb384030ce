// GitHub posture -> the alert's words (title, the members at fault, tips, email) and the one-time scope note.
import type { AlertObservation } from '../../alerts/observation.js';
import type { PostureReport } from '../../posture/check.js';
import { mrkdwnCode, mrkdwnInline, mrkdwnToPlain } from '../escape.js';
import { context, cut, header, type SlackMessage, section } from './kit.js';
import { evidenceLine } from './run-ref.js';

/** Members named in the alert; the rest are counted (the alert must stay readable for a large org). */
export const MEMBERS_SHOWN = 25;

export function postureAlert(
  report: PostureReport,
  runId: string,
): Omit<AlertObservation, 'key' | 'failing' | 'failureThreshold'> {
  const org = mrkdwnCode(report.org);
  const lines: string[] = [];
  if (report.twoFactorRequired === false) lines.push(`❌ GitHub org ${org} does not require two-factor authentication`);
  const shown = report.withoutTwoFactor.slice(0, MEMBERS_SHOWN);
  if (report.withoutTwoFactor.length) lines.push(`❌ ${report.withoutTwoFactor.length} with 2FA disabled:`);
  lines.push(...shown.map((m) => `• ${mrkdwnCode(m.login)} (${m.kind})`));
  if (report.withoutTwoFactor.length > shown.length)
    lines.push(`…and ${report.withoutTwoFactor.length - shown.length} more`);
  if (report.verdict === 'passed') lines.push(`✅ GitHub org ${org} requires 2FA and every member has it enabled`);
  const title =
    report.verdict === 'failed'
      ? `🚨 GitHub posture of ${report.org} failed: 2FA not enforced`
      : `✅ GitHub posture of ${report.org} passes`;
  const plain = lines.map(mrkdwnToPlain);
  return {
    title,
    lines,
    runId,
    tips: [
      'Require 2FA: GitHub → organization Settings → Authentication security → "Require two-factor authentication".',
      'Members without 2FA are removed from the org when the requirement is turned on; warn them first.',
    ],
    email: {
      subject: title.replace(/^\S+\s/, ''),
      text: `${plain.join('\n')}\n\nChecked ${report.checkedAt} (run ${runId}).`,
    },
  };
}

/** Posted once when the token cannot see 2FA settings: what to fix, not an outage. */
/** runUrl: where the run's report is read (its /runs/<id> page), when known. */
export function postureScopeMessage(report: PostureReport, runId: string, runUrl?: string): SlackMessage {
  const title = `⚠️ GitHub posture of ${report.org} cannot be checked`;
  return {
    text: `${title}: ${cut(mrkdwnInline(report.scopeProblem), 500)}`,
    blocks: [
      header(title),
      section(
        `${cut(mrkdwnInline(report.scopeProblem), 2500)}.\nGive GITHUB_TOKEN an org owner's \`admin:org\` scope; until then the weekly check cannot tell whether 2FA is enforced. This note is posted once.`,
      ),
      context(`Checked ${report.checkedAt}`, evidenceLine({ id: runId, url: runUrl }, "the weekly check's report")),
    ],
  };
}
