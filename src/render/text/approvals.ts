// Deploy approvals as words: what a refused click reads, the CLI's lines, GitHub's comment, and the evidence files.
import type { DecisionReport, Refusal } from '../../approvals/decide.js';
import type { ApprovalRequest } from '../../approvals/request.js';

export const shortSha = (sha: string) => sha.slice(0, 7);
export const failingNames = (r: Pick<ApprovalRequest, 'checklist'>) =>
  r.checklist.filter((c) => c.state !== 'passed').map((c) => c.name);

/** Foreign text in Slack mrkdwn: &, < and > escaped, so nobody's title becomes a mention or a link. */
export const mrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const requestSubject = (r: Pick<ApprovalRequest, 'env' | 'ref' | 'sha'>) =>
  `${r.env} ${r.ref} (${shortSha(r.sha)})`;

export function refusalText(reason: Refusal, request: ApprovalRequest | undefined, id: string): string {
  const subject = request ? `\`${mrkdwn(requestSubject(request))}\`` : `\`${mrkdwn(id)}\``;
  switch (reason) {
    case 'not-found':
      return `There is no approval request ${subject}; nothing changed.`;
    case 'decided':
      return `The deploy of ${subject} is already ${request?.status}; nothing changed.`;
    case 'expired':
      return `The request for ${subject} expired; nothing changed. Ask for a new one.`;
    case 'checklist':
      return `The deploy of ${subject} has failing checks (${failingNames(request ?? { checklist: [] })
        .map((name) => `\`${mrkdwn(name)}\``)
        .join(', ')}) and no exemption, so it cannot be approved; nothing changed.`;
    case 'excluded':
      return `You asked for the deploy of ${subject}, so your approval does not count; nothing changed.`;
    case 'repeat':
      return `You already approved the deploy of ${subject}; nothing changed.`;
    case 'not-eligible':
      return `You are not one of the approvers of ${request?.env ?? 'this environment'}; nothing changed.`;
  }
}

/** One line for the CLI and the API: the decision, with who took it. */
export function decisionLine(request: ApprovalRequest): string {
  const subject = requestSubject(request);
  const by = request.approvals.map((a) => a.by).join(', ');
  if (request.status === 'approved') return `Approved: ${subject} by ${by} at ${request.decidedAt}.`;
  if (request.status === 'rejected')
    return `Rejected: ${subject} by ${request.rejectedBy} at ${request.decidedAt}: ${request.rejectReason}`;
  if (request.status === 'expired')
    return `Expired: ${subject} at ${request.expiresAt} with ${request.approvals.length} of ${request.required} approvals.`;
  return `Pending: ${subject}, ${request.approvals.length} of ${request.required} approvals, expires ${request.expiresAt}.`;
}

/** The comment GitHub shows on the deployment: the decision and the people behind it (Slack ids). */
export function githubComment(request: ApprovalRequest): string {
  if (request.status === 'approved')
    return `Approved in Slack by ${request.approvals.map((a) => a.by).join(' and ')} (opsbot ${request.id}).`;
  if (request.status === 'rejected')
    return `Rejected in Slack by ${request.rejectedBy}: ${request.rejectReason} (opsbot ${request.id}).`;
  return `Not approved in time: ${request.approvals.length} of ${request.required} approvals (opsbot ${request.id}).`;
}

export const changeSummary = (report: Extract<DecisionReport, { ok: true }>) =>
  ({
    vote: `Approval recorded: ${report.request.approvals.length} of ${report.request.required}.`,
    approved: 'Approved: the deploy may go ahead.',
    'retro-approved': 'Retrospective approval recorded.',
    rejected: 'Rejected: the deploy is stopped.',
    expired: 'Expired.',
  })[report.change];
