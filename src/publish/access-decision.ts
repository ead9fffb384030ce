// A review's decision, shown: the message loses its buttons, the thread gets a reply, and the GitHub issue is closed
// (Approve) or keeps the action items (Flag). A GitHub failure is said in the thread; the decision stands.
import type { AccessReview } from '../access/store.js';
import type { Deps } from '../deps.js';
import { closeIssue, commentOnIssue } from '../github/issues.js';
import { maskSecrets } from '../redact.js';
import { decisionLine, reviewMessage } from '../render/blocks/access.js';
import { githubMarkdown, mrkdwnInline } from '../render/escape.js';
import { publishAfterCommit } from './after-commit.js';
import { runPageUrl } from './run-links.js';

type PublishDeps = Pick<Deps, 'config' | 'github' | 'chat' | 'log'>;

/** Shows a decision on the review message and in its thread, and carries it to the GitHub issue. */
export async function publishDecision(deps: PublishDeps, review: AccessReview): Promise<void> {
  const issueProblem = await carryToIssue(deps, review);
  if (!review.slackChannel || !review.slackTs) return;
  const ref = { channel: review.slackChannel, ts: review.slackTs };
  await deps.chat.update(ref, reviewMessage(review, review.runId ? runPageUrl(deps.config, review.runId) : undefined));
  const issue = review.issueUrl
    ? review.decision === 'approved'
      ? ` GitHub issue <${review.issueUrl}|#${review.issueNumber}> closed.`
      : ` GitHub issue <${review.issueUrl}|#${review.issueNumber}> stays open with the action items.`
    : '';
  const line = decisionLine(review) ?? '';
  const stop = /[.!?]$/.test(line) ? '' : '.';
  await deps.chat.post(
    ref.channel,
    { text: `${line}${stop}${issueProblem ? ` ⚠️ ${mrkdwnInline(issueProblem)}` : issue}` },
    ref.ts,
  );
}

/**
 * publishDecision after the decision is committed: a thread opsbot can't post in (or a Slack failure) is logged and
 * returned as a note for the reviewer, never thrown. Undefined when everything was shown.
 */
export function showDecision(deps: PublishDeps, review: AccessReview): Promise<string | undefined> {
  const where = `the decision is recorded on access review \`${review.id}\` (\`opsbot access-review latest\`)`;
  const about = { what: 'The decision', channel: review.slackChannel ?? '', where };
  return publishAfterCommit(deps, about, () => publishDecision(deps, review));
}

/** Undefined when the issue was updated (or there is none); otherwise what went wrong, for the thread. */
async function carryToIssue(deps: PublishDeps, review: AccessReview): Promise<string | undefined> {
  const repo = deps.config.github.repo;
  if (!repo || !deps.github || !review.issueNumber) return undefined;
  const by = `Slack user ${review.decidedBy} at ${review.decidedAt}`;
  // What the reviewer typed keeps its lines, each escaped: it can't mention anyone or forge a link on GitHub.
  const note = (review.note ?? '').split('\n').map(githubMarkdown).join('\n');
  try {
    if (review.decision === 'approved') {
      const reason = review.note ? `\n\nAnomalies accepted because: ${note}` : '';
      await closeIssue(deps.github, repo, review.issueNumber, `Reviewed, no issues — approved by ${by}.${reason}`);
    } else {
      await commentOnIssue(deps.github, repo, review.issueNumber, `Issue flagged by ${by}.\n\nAction items:\n${note}`);
    }
    return undefined;
  } catch (error) {
    const e = error as { status?: number; message?: string };
    deps.log.warn({ reviewId: review.id, status: e.status }, 'could not update the review issue');
    return `Could not update GitHub issue #${review.issueNumber}: ${maskSecrets(e.message ?? String(error))}. The decision is recorded.`;
  }
}
