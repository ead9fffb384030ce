// Who a requester is in Slack, so their own click never counts: a Slack id as given, a GitHub login through
// GITHUB_USER_MAP, or else by email: the email given as --requested-by, or the GitHub user's public email, matched to
// a Slack user with users.lookupByEmail. When Slack could not say at request time, a click from someone whose email
// (users.info) is the requester's makes them the requester. Both need the scope users:read.email.
import type { ApprovalRequest } from '../approvals/request.js';
import { learnRequester } from '../approvals/store.js';
import type { Deps } from '../deps.js';
import { requesterSlackId } from '../operate/approvals.js';
import { maskSecrets } from '../redact.js';

type IdentityDeps = Pick<Deps, 'config' | 'chat' | 'github' | 'log'>;

const isEmail = (text: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text);

/** The requester's email: as given, or the GitHub user's public email (with GITHUB_TOKEN); undefined if neither. */
async function requesterEmail(deps: IdentityDeps, requestedBy: string): Promise<string | undefined> {
  if (isEmail(requestedBy)) return requestedBy;
  if (!deps.github || /^[UW][A-Z0-9]+$/.test(requestedBy)) return undefined;
  const user = await deps.github.rest.users.getByUsername({ username: requestedBy }).catch(() => undefined);
  return user?.data.email ?? undefined;
}

/** The requester's Slack id, or null when neither the map nor their email tells. Never throws. */
export async function resolveRequester(deps: IdentityDeps, requestedBy: string): Promise<string | null> {
  const mapped = requesterSlackId(deps.config, requestedBy);
  if (mapped || !deps.config.slack.botToken) return mapped;
  const email = await requesterEmail(deps, requestedBy);
  if (!email) return null;
  try {
    return (await deps.chat.userByEmail(email)) ?? null;
  } catch (error) {
    deps.log.warn({ requestedBy, err: maskSecrets(String(error)) }, 'could not look the requester up by email');
    return null;
  }
}

/**
 * Before a click on a request whose requester Slack did not know: look again (map, email), and failing that compare
 * the clicker's email with the requester's. What is learnt is recorded on the request and audited.
 */
export async function learnRequesterAtClick(
  deps: IdentityDeps & Pick<Deps, 'db' | 'audit'>,
  request: ApprovalRequest,
  clicker: string,
): Promise<void> {
  const open = request.status === 'pending' || (request.emergency && !request.retroApprovedAt);
  if (request.requesterSlack || !open || !deps.config.slack.botToken) return;
  let slack = await resolveRequester(deps, request.requestedBy);
  if (!slack) {
    const email = await requesterEmail(deps, request.requestedBy);
    const clickerEmail = email ? await deps.chat.emailOf(clicker).catch(() => undefined) : undefined;
    if (email && clickerEmail?.toLowerCase() === email.toLowerCase()) slack = clicker;
  }
  if (!slack) return;
  const learnt = slack;
  await deps.db.transaction(async (tx) => {
    if (!(await learnRequester(tx, request.id, learnt))) return;
    await deps.audit.append(
      {
        action: 'approval.requester',
        actor: { user: learnt },
        params: { requestId: request.id, requestedBy: request.requestedBy },
        outcome: 'matched',
      },
      tx,
    );
  });
}
