// The quarter's evidence package as an operation (`/evidence`, `opsbot evidence`): reviewers only from Slack, built
// from the database, handed to deliver (upload or write), then audited with its gaps and the chain head it covers.
import { buildQuarterEvidence, type QuarterEvidence } from '../evidence/package.js';
import type { SourceDeps } from '../evidence/sources.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

export interface EvidenceResult<D> {
  evidence: QuarterEvidence | { reason: string };
  delivered?: D;
}

export function evidenceOperation<D>(
  deps: SourceDeps,
  quarter: string,
  ask: { trigger: RunTrigger; actor?: Actor },
  deliver: (evidence: QuarterEvidence) => Promise<D>,
): OperationSpec<EvidenceResult<D>> {
  return {
    kind: 'evidence',
    action: 'evidence.export',
    trigger: ask.trigger,
    actor: ask.actor,
    // The CLI runs as whoever may read the database; Slack users need the reviewer role.
    ...(ask.trigger === 'cli' ? {} : { role: 'reviewer' as const, what: '/evidence' }),
    params: { quarter },
    run: async () => {
      const evidence = await buildQuarterEvidence(deps, quarter);
      if ('reason' in evidence) return { evidence };
      return { evidence, delivered: await deliver(evidence) };
    },
    keep: ({ evidence }) =>
      'reason' in evidence
        ? { reason: evidence.reason }
        : {
            quarter: evidence.quarter,
            controls: evidence.controls.map(({ id, inUse, gaps }) => ({ id, inUse, gaps })),
          },
    verdict: () => 'passed',
    auditOutcome: ({ evidence }) => ('reason' in evidence ? 'refused' : 'exported'),
    auditParams: ({ evidence }) =>
      'reason' in evidence
        ? { reason: evidence.reason }
        : {
            gaps: evidence.controls.reduce((sum, c) => sum + c.gaps.length, 0),
            auditHead: evidence.audit.head ? { seq: evidence.audit.head.seq, hash: evidence.audit.head.hash } : null,
          },
  };
}
