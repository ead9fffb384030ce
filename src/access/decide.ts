// Approve or Flag issue: the one decision of a review, taken once (compare-and-set) inside the caller's transaction,
// where the operation pipeline also writes its audit event. Showing it is src/publish/access-decision.ts.
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { type AccessReview, type Decision, getReview, recordDecision } from './store.js';

export type DecisionResult =
  | { ok: true; review: AccessReview }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'already-decided' | 'requester' | 'reason-required'; review: AccessReview };

/** Whether actor may approve review at all (before a modal opens): the run's requester may not. */
export function approvalRefusal(review: AccessReview, actor: Actor): 'already-decided' | 'requester' | undefined {
  if (review.decision) return 'already-decided';
  if (review.requestedBy && review.requestedBy === actor.user) return 'requester';
  return undefined;
}

export async function decideReview(
  tx: Db,
  request: { reviewId: string; decision: Decision; actor: Actor; note: string | null; at: Date },
): Promise<DecisionResult> {
  const { reviewId, decision, actor, note } = request;
  const review = await getReview(tx, reviewId);
  if (!review) return { ok: false, reason: 'not-found' };
  if (review.decision) return { ok: false, reason: 'already-decided', review };
  if (decision === 'approved' && approvalRefusal(review, actor) === 'requester')
    return { ok: false, reason: 'requester', review };
  if (!note && (decision === 'flagged' || review.anomalies.length > 0))
    return { ok: false, reason: 'reason-required', review };
  const row = await recordDecision(tx, reviewId, { decision, by: actor.user, at: request.at, note });
  if (!row) return { ok: false, reason: 'already-decided', review: (await getReview(tx, reviewId)) ?? review };
  return { ok: true, review: row };
}

/** The audit outcome of a decision: what was decided, or why nothing was. */
export function decisionOutcome(result: DecisionResult, decision: Decision): string {
  if (result.ok) return decision;
  return result.reason === 'requester' ? 'refused: requested the run' : `refused: ${result.reason}`;
}
