// Deploy approvals, carried out and shown: a request posted to SLACK_DEPLOY_CHANNEL (and DMed to approvers), each
// click through the pipeline and then onto the message, expiry, the wait for a decision, and GitHub's answer.
import type { DecisionReport } from '../approvals/decide.js';
import { dueRequests } from '../approvals/decide.js';
import type { ApprovalRequest, ApprovalSource, GithubTarget, RequestInput } from '../approvals/request.js';
import { claimGithubReport, getRequest, setMessage } from '../approvals/store.js';
import type { Deps } from '../deps.js';
import { clickOperation, expireOperation, requestOperation } from '../operate/approvals.js';
import { type Outcome, operate } from '../operate/operate.js';
import { maskSecrets } from '../redact.js';
import { approvalMessage } from '../render/blocks/approvals.js';
import { githubComment } from '../render/text/approvals.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import { learnRequesterAtClick, resolveRequester } from './approvals-identity.js';

/** How often a waiting caller looks at the request: a decision is seen within this, far under the 1 s promised. */
const WAIT_POLL_MS = 150;

export async function openRequest(
  deps: Deps,
  input: RequestInput,
  options: { actor: Actor; trigger: RunTrigger; source: ApprovalSource; github?: GithubTarget; emergency?: boolean },
): Promise<Outcome<ApprovalRequest>> {
  const requesterSlack = await resolveRequester(deps, input.requestedBy);
  const outcome = await operate(deps, requestOperation(deps, input, { ...options, requesterSlack }));
  if (outcome.outcome === 'done') await postRequest(deps, outcome.report);
  return outcome;
}

/** Posts the request's message and DMs the approvers; a Slack failure is logged, the request stands. */
async function postRequest(deps: Deps, request: ApprovalRequest): Promise<void> {
  const channel = deps.config.approvals.channel;
  if (!channel || !deps.config.slack.botToken) return;
  try {
    const ref = await deps.chat.post(channel, approvalMessage(request));
    await setMessage(deps.db, request.id, ref);
    request.slack = ref;
    if (!deps.config.approvals.notifyDm) return;
    const link = await deps.chat.permalink(ref);
    for (const user of await approverIds(deps, request.env)) {
      if (user === request.requesterSlack) continue;
      await deps.chat.post(user, {
        text: `A deploy of ${request.env} ${request.ref} waits for your approval${link ? `: ${link}` : ` in <#${channel}>`}.`,
      });
    }
  } catch (error) {
    deps.log.warn({ requestId: request.id, err: maskSecrets(String(error)) }, 'could not post the approval request');
  }
}

async function approverIds(deps: Deps, env: string): Promise<string[]> {
  const entries = deps.config.approvals.approvers[env] ?? [];
  const users = entries.filter((e) => /^[UW][A-Z0-9]+$/.test(e));
  const groups = entries.filter((e) => !/^[UW][A-Z0-9]+$/.test(e));
  const members = await Promise.all(groups.map((g) => deps.chat.members(g).catch(() => [] as string[])));
  return [...new Set([...users, ...members.flat()])];
}

/** Approve or Reject through the pipeline; what changed is shown on the message and, when final, sent to GitHub. */
export async function click(
  deps: Deps,
  request: { id: string; actor: Actor; trigger: RunTrigger; decision: 'approve' | 'reject'; reason?: string },
): Promise<Outcome<DecisionReport>> {
  const current = await getRequest(deps.db, request.id);
  if (current) await learnRequesterAtClick(deps, current, request.actor.user);
  const env = current?.env ?? '';
  const outcome = await operate(deps, clickOperation(deps, { ...request, env }));
  if (outcome.outcome === 'done') await showDecision(deps, outcome.report);
  return outcome;
}

/** Updates the message after a change, and answers GitHub once a GitHub request is final. */
export async function showDecision(deps: Deps, report: DecisionReport): Promise<void> {
  if (!(report.ok || report.changed) || !report.request) return;
  const request = report.request;
  if (request.slack) {
    await deps.chat
      .update(request.slack, approvalMessage(request))
      .catch((error) => deps.log.warn({ requestId: request.id, err: String(error) }, 'could not update the message'));
  }
  if (request.github && request.status !== 'pending') await reportToGithub(deps, request, request.github);
}

async function reportToGithub(deps: Deps, request: ApprovalRequest, target: GithubTarget): Promise<void> {
  if (!deps.githubApp) return;
  // One answer per request, whichever replica saw the decision; a failed send is released to be tried again.
  if (!(await claimGithubReport(deps.db, request.id, deps.now()))) return;
  const state = request.status === 'approved' ? 'approved' : 'rejected';
  try {
    await deps.githubApp.reviewDeployment(target, state, githubComment(request));
    await deps.audit.append({
      action: 'approval.github',
      params: { requestId: request.id, runId: target.runId, repo: `${target.owner}/${target.repo}` },
      outcome: state,
    });
  } catch (error) {
    await deps.db.query('update approval_requests set github_reported_at = null where id = $1', [request.id]);
    const e = error as { status?: number };
    deps.log.warn({ requestId: request.id, status: e.status }, 'could not answer the deployment protection rule');
  }
}

/** Expires every request whose time is up: the sweep job and the waiting callers. */
export async function expireDue(deps: Deps): Promise<number> {
  let expired = 0;
  for (const id of await dueRequests(deps.db, deps.now())) {
    const outcome = await operate(deps, expireOperation(deps, id));
    if (outcome.outcome === 'done' && outcome.report.ok) {
      expired += 1;
      await showDecision(deps, outcome.report);
    }
  }
  return expired;
}

/**
 * The request once it is decided, or as it is after waitMs. At its expiry the waiter expires it itself, so a caller
 * waiting on any replica hears "expired" on time even if the sweep has not run.
 */
export async function awaitDecision(
  deps: Deps,
  id: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<ApprovalRequest | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    const request = await getRequest(deps.db, id);
    if (request?.status !== 'pending') return request;
    if (new Date(request.expiresAt).getTime() <= deps.now().getTime()) {
      const outcome = await operate(deps, expireOperation(deps, id, request.env));
      if (outcome.outcome !== 'done') return request;
      await showDecision(deps, outcome.report);
      continue;
    }
    if (Date.now() >= until || signal?.aborted) return request;
    await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, Math.max(0, until - Date.now()))));
  }
}
