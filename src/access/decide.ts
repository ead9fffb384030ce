// Approve or Flag issue: the one decision of a review, taken once (compare-and-set), audited, shown on the message and
// in its thread, and carried to the GitHub issue (Approve closes it; Flag keeps it open with the action items).

import type { Deps } from '../deps.js';
import { closeIssue, commentOnIssue } from '../github/issues.js';
import { maskSecrets } from '../redact.js';
import { decisionLine, reviewMessage } from '../render/blocks/access.js';
import type { Actor } from '../store/runs.js';
import { type AccessReview, type Decision, getReview, recordDecision } from './store.js';

export type DecisionResult =
  | { ok: true; review: AccessReview }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'already-decided' | 'requester' | 'reason-required'; review: AccessReview };

type DecideDeps = Pick<Deps, 'config' | 'github' | 'chat' | 'db' | 'audit' | 'log' | 'now' | 'hooks'>;

/** Whether actor may approve review at all (before a modal opens): the run's requester may not. */
export function approvalRefusal(review: AccessReview, actor: Actor): 'already-decided' | 'requester' | undefined {
  if (review.decision) return 'already-decided';
  if (review.requestedBy && review.requestedBy === actor.user) return 'requester';
  return undefined;
}

export async function decideReview(
  deps: DecideDeps,
  reviewId: string,
  decision: Decision,
  actor: Actor,
  note: string | null,
): Promise<DecisionResult> {
  const review = await getReview(deps.db, reviewId);
  if (!review) return { ok: false, reason: 'not-found' };
  const action = decision === 'approved' ? 'access-review.approve' : 'access-review.flag';
  if (review.decision) return { ok: false, reason: 'already-decided', review };
  if (decision === 'approved' && approvalRefusal(review, actor) === 'requester') {
    await deps.audit.append({ action, actor, params: { reviewId }, outcome: 'refused: requested the run' });
    return { ok: false, reason: 'requester', review };
  }
  if (!note && (decision === 'flagged' || review.anomalies.length > 0))
    return { ok: false, reason: 'reason-required', review };
  // The compare-and-set and its audit event commit together: no decision without its audit entry, nor the reverse.
  const decided = await deps.db.transaction(async (tx) => {
    const row = await recordDecision(tx, reviewId, { decision, by: actor.user, at: deps.now(), note });
    if (!row) return undefined;
    await deps.hooks['access-review.decided']?.({ reviewId, decision });
    const params = { reviewId, anomalies: review.anomalies.length, note: note ?? undefined };
    await deps.audit.append({ action, actor, params, outcome: decision }, tx);
    return row;
  });
  if (!decided) return { ok: false, reason: 'already-decided', review: (await getReview(deps.db, reviewId)) ?? review };
  deps.log.info({ reviewId, decision, user: actor.user }, 'access review decided');
  await showDecision(deps, decided);
  return { ok: true, review: decided };
}

async function showDecision(deps: DecideDeps, review: AccessReview): Promise<void> {
  const issueProblem = await carryToIssue(deps, review);
  if (!review.slackChannel || !review.slackTs) return;
  const ref = { channel: review.slackChannel, ts: review.slackTs };
  await deps.chat.update(ref, reviewMessage(review));
  const issue = review.issueUrl
    ? review.decision === 'approved'
      ? ` GitHub issue <${review.issueUrl}|#${review.issueNumber}> closed.`
      : ` GitHub issue <${review.issueUrl}|#${review.issueNumber}> stays open with the action items.`
    : '';
  const line = decisionLine(review) ?? '';
  const stop = /[.!?]$/.test(line) ? '' : '.';
  await deps.chat.post(ref.channel, { text: `${line}${stop}${issueProblem ? ` ⚠️ ${issueProblem}` : issue}` }, ref.ts);
}

/** Undefined when the issue was updated (or there is none); otherwise what went wrong, for the thread. */
async function carryToIssue(deps: DecideDeps, review: AccessReview): Promise<string | undefined> {
  const repo = deps.config.github.repo;
  if (!repo || !deps.github || !review.issueNumber) return undefined;
  const by = `Slack user ${review.decidedBy} at ${review.decidedAt}`;
  try {
    if (review.decision === 'approved') {
      const reason = review.note ? `\n\nAnomalies accepted because: ${review.note}` : '';
      await closeIssue(deps.github, repo, review.issueNumber, `Reviewed, no issues — approved by ${by}.${reason}`);
    } else {
      await commentOnIssue(
        deps.github,
        repo,
        review.issueNumber,
        `Issue flagged by ${by}.\n\nAction items:\n${review.note ?? ''}`,
      );
    }
    return undefined;
  } catch (error) {
    const e = error as { status?: number; message?: string };
    deps.log.warn({ reviewId: review.id, status: e.status }, 'could not update the review issue');
    return `Could not update GitHub issue #${review.issueNumber}: ${maskSecrets(e.message ?? String(error))}. The decision is recorded.`;
  }
}
