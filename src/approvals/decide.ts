// Approve, Reject and expiry of a request: each a compare-and-set on the locked row, inside the caller's transaction
// (where the operation pipeline writes its audit event), so a click is counted once or not at all.
import type { Db } from '../store/db.js';
import { type IsListed, type Quorum, weighConsent } from './quorum.js';
import { type ApprovalRequest, failingChecks } from './request.js';
import { getRequest } from './store.js';

export type Refusal = 'not-found' | 'decided' | 'expired' | 'checklist' | 'excluded' | 'not-eligible' | 'repeat';
export type DecisionReport =
  /** counted: the click became a vote or a decision; the message is shown again. */
  | { ok: true; change: 'vote' | 'approved' | 'retro-approved' | 'rejected' | 'expired'; request: ApprovalRequest }
  /** changed: expiry was found and recorded on the way, so the message still needs updating. */
  | { ok: false; reason: Refusal; request?: ApprovalRequest; changed?: boolean };

export interface Click {
  id: string;
  user: string;
  at: Date;
  /** The environment's approvers (N_APPROVERS). */
  eligible: readonly string[];
  isListed: IsListed;
}

export function quorumOf(request: ApprovalRequest, eligible: readonly string[]): Quorum {
  return {
    subject: `${request.env} ${request.ref}`,
    required: request.required,
    eligible,
    excluded: request.requesterSlack ? [request.requesterSlack] : [],
  };
}

const isOverdue = (request: ApprovalRequest, at: Date) =>
  request.status === 'pending' && new Date(request.expiresAt).getTime() <= at.getTime();

async function expireLocked(tx: Db, request: ApprovalRequest, at: Date): Promise<ApprovalRequest> {
  await tx.query(`update approval_requests set status = 'expired', decided_at = $2 where id = $1`, [request.id, at]);
  return (await getRequest(tx, request.id))!;
}

/** Approve. An emergency request takes votes after the fact, until it has its retrospective approval. */
export async function approve(tx: Db, click: Click): Promise<DecisionReport> {
  const request = await getRequest(tx, click.id, true);
  if (!request) return { ok: false, reason: 'not-found' };
  if (isOverdue(request, click.at))
    return { ok: false, reason: 'expired', request: await expireLocked(tx, request, click.at), changed: true };
  const retro = request.emergency && !request.retroApprovedAt;
  if (request.status !== 'pending' && !retro) return { ok: false, reason: 'decided', request };
  if (!retro && failingChecks(request).length > 0 && !request.exemption)
    return { ok: false, reason: 'checklist', request };
  const ballot = await weighConsent(
    quorumOf(request, click.eligible),
    request.approvals.map((a) => a.by),
    click.user,
    click.isListed,
  );
  if (!ballot.counted) return { ok: false, reason: ballot.reason, request };
  await tx.query('insert into approval_votes (request_id, approver, at) values ($1, $2, $3)', [
    request.id,
    click.user,
    click.at,
  ]);
  if (ballot.reached && retro) {
    const by = [...request.approvals.map((a) => a.by), click.user].join(',');
    await tx.query('update approval_requests set retro_approved_by = $2, retro_approved_at = $3 where id = $1', [
      request.id,
      by,
      click.at,
    ]);
  } else if (ballot.reached) {
    await tx.query(`update approval_requests set status = 'approved', decided_at = $2 where id = $1`, [
      request.id,
      click.at,
    ]);
  }
  const change = !ballot.reached ? 'vote' : retro ? 'retro-approved' : 'approved';
  return { ok: true, change, request: (await getRequest(tx, request.id))! };
}

/** Reject: an approver (or the requester, withdrawing) ends the request, with a reason. */
export async function reject(tx: Db, click: Click & { reason: string }): Promise<DecisionReport> {
  const request = await getRequest(tx, click.id, true);
  if (!request) return { ok: false, reason: 'not-found' };
  if (isOverdue(request, click.at))
    return { ok: false, reason: 'expired', request: await expireLocked(tx, request, click.at), changed: true };
  if (request.status !== 'pending') return { ok: false, reason: 'decided', request };
  const mayReject = click.user === request.requesterSlack || (await click.isListed(click.user, click.eligible));
  if (!mayReject) return { ok: false, reason: 'not-eligible', request };
  await tx.query(
    `update approval_requests set status = 'rejected', decided_at = $2, rejected_by = $3, reject_reason = $4
      where id = $1`,
    [request.id, click.at, click.user, click.reason],
  );
  return { ok: true, change: 'rejected', request: (await getRequest(tx, request.id))! };
}

/** Expires one request if it is still pending and due: the sweep and the waiting caller both call it. */
export async function expire(tx: Db, id: string, at: Date): Promise<DecisionReport> {
  const request = await getRequest(tx, id, true);
  if (!request) return { ok: false, reason: 'not-found' };
  if (!isOverdue(request, at)) return { ok: false, reason: 'decided', request };
  return { ok: true, change: 'expired', request: await expireLocked(tx, request, at) };
}

/** The requests whose time is up and that nobody has expired yet. */
export async function dueRequests(db: Db, at: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select id from approval_requests where status = 'pending' and expires_at <= $1 order by expires_at limit 100`,
    [at],
  );
  return rows.map((r) => r.id);
}

/** The audit outcome of a decision: what changed, or why nothing did. */
export const decisionOutcome = (report: DecisionReport) => (report.ok ? report.change : `refused: ${report.reason}`);
