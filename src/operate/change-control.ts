// The change-control digest's decision (Reviewed / Flag) as one transaction with its audit event.
import { type DigestDecisionResult, decideDigest, digestDecisionOutcome } from '../change-control/decide.js';
import type { ChangeDecision } from '../change-control/store.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

export interface DigestDecisionRequest {
  digestId: string;
  decision: ChangeDecision;
  actor: Actor;
  note: string | null;
  trigger: RunTrigger;
  at: () => Date;
  userMap: Record<string, string>;
}

export function digestDecisionOperation(request: DigestDecisionRequest): OperationSpec<DigestDecisionResult> {
  const { digestId, decision, actor, note } = request;
  return {
    kind: 'change-control.decision',
    action: decision === 'reviewed' ? 'change-control.review' : 'change-control.flag',
    trigger: request.trigger,
    actor,
    role: 'reviewer',
    what: decision === 'reviewed' ? 'Reviewed' : 'Flag',
    params: { digestId },
    // The compare-and-set, the run's final state and the audit event commit together.
    transaction: true,
    run: (ctx) =>
      decideDigest(ctx.tx!, { digestId, decision, actor, note, at: request.at(), userMap: request.userMap }),
    keep: (result) => ({ digestId, outcome: digestDecisionOutcome(result, decision) }),
    verdict: () => 'passed',
    auditOutcome: (result) => digestDecisionOutcome(result, decision),
    auditParams: (result) =>
      result.ok
        ? { week: result.digest.week, exempted: result.digest.report.counts.exempted, note: note ?? undefined }
        : result.reason === 'author'
          ? { authored: result.logins }
          : {},
  };
}
