// The access review's operations: a decision (Approve / Flag issue) as one transaction with its audit event.
import { type DecisionResult, decideReview, decisionOutcome } from '../access/decide.js';
import type { Decision } from '../access/store.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

export interface DecisionRequest {
  reviewId: string;
  decision: Decision;
  actor: Actor;
  note: string | null;
  trigger: RunTrigger;
  at: () => Date;
}

export function decisionOperation(request: DecisionRequest): OperationSpec<DecisionResult> {
  const { reviewId, decision, actor, note } = request;
  return {
    kind: 'access-review.decision',
    action: decision === 'approved' ? 'access-review.approve' : 'access-review.flag',
    trigger: request.trigger,
    actor,
    role: 'reviewer',
    what: decision === 'approved' ? 'Approve' : 'Flag issue',
    params: { reviewId },
    // Its compare-and-set, the run's final state and the audit event commit together.
    transaction: true,
    run: (ctx) => decideReview(ctx.tx!, { reviewId, decision, actor, note, at: request.at() }),
    // The review itself (its snapshot may hold 10 000 entries) stays in access_reviews.
    keep: (result) => ({ reviewId, outcome: decisionOutcome(result, decision) }),
    verdict: () => 'passed',
    auditOutcome: (result) => decisionOutcome(result, decision),
    auditParams: (result) => (result.ok ? { anomalies: result.review.anomalies.length, note: note ?? undefined } : {}),
  };
}
