// Deploy approvals through the pipeline: a request, a click (Approve / Reject) and an expiry, each one transaction
// with its audit event; clicks keep no run record (their state lives in approval_requests).
import { approve, type Click, type DecisionReport, decisionOutcome, expire, reject } from '../approvals/decide.js';
import type { ApprovalRequest, ApprovalSource, GithubTarget, RequestInput } from '../approvals/request.js';
import { insertRequest } from '../approvals/store.js';
import type { Deps } from '../deps.js';
import { randomId } from '../ids.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

type ConfigDeps = Pick<Deps, 'config' | 'roles' | 'now'>;

/** The Slack user a requester is: a Slack id as given, or a GitHub login through GITHUB_USER_MAP. */
export function requesterSlackId(config: Deps['config'], requestedBy: string): string | null {
  if (/^[UW][A-Z0-9]+$/.test(requestedBy)) return requestedBy;
  return config.approvals.githubUsers[requestedBy.toLowerCase()] ?? null;
}

export function requestOperation(
  deps: ConfigDeps,
  input: RequestInput,
  options: {
    actor: Actor;
    trigger: RunTrigger;
    source: ApprovalSource;
    github?: GithubTarget;
    emergency?: boolean;
    /** Resolved by the caller (by email through Slack); the map's answer when not given. */
    requesterSlack?: string | null;
  },
): OperationSpec<ApprovalRequest> {
  const { env, ref, sha } = input;
  return {
    kind: 'approval',
    action: options.emergency ? 'approval.emergency' : 'approval.request',
    trigger: options.trigger,
    actor: options.actor,
    env,
    params: { ref, sha, title: input.title, requestedBy: input.requestedBy, exemption: input.exemption },
    what: 'opsbot approval request',
    guard: () =>
      deps.config.approvals.approvers[env]?.length
        ? undefined
        : `Nobody can approve a deploy to \`${env}\`: set ${env.toUpperCase().replace(/-/g, '_')}_APPROVERS.`,
    transaction: true,
    run: (ctx) =>
      insertRequest(ctx.tx!, {
        ...input,
        id: randomId('a'),
        requesterSlack: options.requesterSlack ?? requesterSlackId(deps.config, input.requestedBy),
        required: deps.config.approvals.required,
        source: options.source,
        emergency: options.emergency,
        github: options.github,
        at: deps.now(),
      }),
    keep: (request) => ({ id: request.id, status: request.status }),
    verdict: () => 'passed',
    auditOutcome: (request) => (options.emergency ? 'exempted' : request.status),
    auditParams: (request) => ({ requestId: request.id, checklist: request.checklist, expiresAt: request.expiresAt }),
  };
}

export interface ClickRequest {
  id: string;
  actor: Actor;
  trigger: RunTrigger;
  decision: 'approve' | 'reject';
  reason?: string;
  env: string;
}

export function clickOperation(deps: ConfigDeps, click: ClickRequest): OperationSpec<DecisionReport> {
  const base: Click = {
    id: click.id,
    user: click.actor.user,
    at: deps.now(),
    eligible: deps.config.approvals.approvers[click.env] ?? [],
    isListed: (user, entries) => deps.roles.listed(user, entries),
  };
  return {
    kind: 'approval',
    action: click.decision === 'approve' ? 'approval.approve' : 'approval.reject',
    trigger: click.trigger,
    actor: click.actor,
    env: click.env,
    params: { requestId: click.id, ...(click.reason ? { reason: click.reason } : {}) },
    record: false,
    transaction: true,
    run: (ctx) =>
      click.decision === 'approve' ? approve(ctx.tx!, base) : reject(ctx.tx!, { ...base, reason: click.reason ?? '' }),
    verdict: () => 'passed',
    auditOutcome: decisionOutcome,
    auditParams: (report) => (report.request ? { votes: report.request.approvals.length } : {}),
  };
}

export function expireOperation(deps: Pick<Deps, 'now'>, id: string, env?: string): OperationSpec<DecisionReport> {
  return {
    kind: 'approval',
    action: 'approval.expire',
    trigger: 'cron',
    env,
    params: { requestId: id },
    record: false,
    transaction: true,
    run: (ctx) => expire(ctx.tx!, id, deps.now()),
    verdict: () => 'passed',
    auditOutcome: decisionOutcome,
  };
}
