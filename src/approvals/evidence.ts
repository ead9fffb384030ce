// The quarter's approvals evidence: every request with its checklist, approvers and times, rejections with reasons,
// exemptions, and emergency deploys with their retrospective approval or its absence.
import { parseQuarter } from '../access/evidence.js';
import type { Db } from '../store/db.js';
import type { ApprovalRequest } from './request.js';
import { listRequests } from './store.js';

export interface ApprovalsEvidence {
  quarter: string;
  generatedAt: string;
  requests: ApprovalRequest[];
  counts: {
    requests: number;
    approved: number;
    rejected: number;
    expired: number;
    pending: number;
    exempted: number;
    emergencies: number;
    retroMissing: number;
  };
}

export async function buildApprovalsEvidence(
  db: Db,
  quarterText: string,
  now: Date,
): Promise<ApprovalsEvidence | { reason: string }> {
  const quarter = parseQuarter(quarterText);
  if (!quarter.ok) return { reason: quarter.reason };
  const end = new Date(quarter.end.getTime() + 24 * 3600 * 1000);
  const requests = await listRequests(db, 'created_at >= $1 and created_at < $2', [quarter.start, end]);
  const count = (test: (r: ApprovalRequest) => boolean) => requests.filter(test).length;
  return {
    quarter: quarter.quarter,
    generatedAt: now.toISOString(),
    requests,
    counts: {
      requests: requests.length,
      approved: count((r) => r.status === 'approved' && !r.emergency),
      rejected: count((r) => r.status === 'rejected'),
      expired: count((r) => r.status === 'expired'),
      pending: count((r) => r.status === 'pending'),
      exempted: count((r) => Boolean(r.exemption)),
      emergencies: count((r) => r.emergency),
      retroMissing: count((r) => r.emergency && !r.retroApprovedAt),
    },
  };
}
