// /approvals [evidence <YYYY-Qn>|help], and the approval message's Approve / Reject buttons with Reject's modal.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { parseQuarter } from '../src/access/evidence.js';
import { buildApprovalsEvidence } from '../src/approvals/evidence.js';
import { getRequest, pendingRequests } from '../src/approvals/store.js';
import type { Deps } from '../src/deps.js';
import { rethrow } from '../src/operate/operate.js';
import { click } from '../src/publish/approvals.js';
import { approvalsEvidenceFiles } from '../src/publish/approvals-evidence.js';
import { approvalIds, approvalsUsage, pendingListText, rejectModal } from '../src/render/blocks/approvals.js';
import { changeSummary, refusalText } from '../src/render/text/approvals.js';
import { fieldErrors, readInputs } from '../src/slack/inputs.js';
import { openModalFirst } from '../src/slack/modal-first.js';
import type { Surfaces } from '../src/slack/router.js';
import type { Actor } from '../src/store/runs.js';

const RejectForm = z.object({
  reason: z.string().trim().min(3, 'Say why the deploy is rejected: the requester and the audit log read it.'),
});
const Metadata = z.object({ id: z.string().min(1), channel: z.string().min(1) });

type Parsed = { usage: true; problem?: string } | { sub: 'pending' } | { sub: 'evidence'; quarter: string };

/** Pure: what /approvals was asked, before ack. */
export function parseApprovalsText(text: string): Parsed {
  const [sub, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  if (!sub) return { sub: 'pending' };
  if (sub === 'help') return { usage: true };
  if (sub !== 'evidence')
    return { usage: true, problem: `\`${sub.slice(0, 40)}\` is not something \`/approvals\` does.` };
  if (rest.length !== 1) return { usage: true, problem: '`/approvals evidence` needs one quarter, e.g. `2026-Q3`.' };
  const quarter = parseQuarter(rest[0]!);
  return quarter.ok ? { sub: 'evidence', quarter: quarter.quarter } : { usage: true, problem: quarter.reason };
}

const safeJson = (text: string | undefined) => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};

export function registerApprovals(app: Surfaces, deps: Deps): void {
  app.command('/approvals', async ({ command, ack, respond }) => {
    const parsed = parseApprovalsText(command.text);
    if ('usage' in parsed) return ack({ response_type: 'ephemeral', text: approvalsUsage(parsed.problem) });
    await ack();
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const user = command.user_id;
    if (parsed.sub === 'pending') {
      const waiting = [];
      for (const r of await pendingRequests(deps.db)) {
        if (r.requesterSlack === user || r.approvals.some((a) => a.by === user)) continue;
        if (new Date(r.expiresAt).getTime() <= deps.now().getTime()) continue;
        if (await deps.roles.listed(user, deps.config.approvals.approvers[r.env] ?? [])) waiting.push(r);
      }
      const links = new Map<string, string | undefined>();
      for (const r of waiting) links.set(r.id, r.slack ? await deps.chat.permalink(r.slack) : undefined);
      return void (await reply(pendingListText(waiting, (r) => links.get(r.id))));
    }
    if (!(await deps.roles.has(user, 'reviewer'))) {
      await deps.audit.append({
        action: 'auth.deny',
        actor: { user, channel: command.channel_id },
        params: { what: '/approvals evidence', role: 'reviewer' },
        outcome: 'denied',
      });
      return void (await reply('`/approvals evidence` needs the reviewer role (OPSBOT_REVIEWERS); nothing was built.'));
    }
    const evidence = await buildApprovalsEvidence(deps.db, parsed.quarter, deps.now());
    if ('reason' in evidence) return void (await reply(evidence.reason));
    const files = approvalsEvidenceFiles(evidence);
    await deps.chat.upload(command.channel_id, undefined, files, `Deploy approvals evidence ${evidence.quarter}`);
    await deps.audit.append({
      action: 'approval.evidence',
      actor: { user, channel: command.channel_id },
      params: { quarter: evidence.quarter, files: files.map((f) => ({ name: f.filename, sha256: f.sha256 })) },
      outcome: 'passed',
    });
    const c = evidence.counts;
    await reply(
      `Evidence ${evidence.quarter}: ${c.requests} requests, ${c.approved} approved, ${c.rejected} rejected, ${c.expired} expired, ${c.emergencies} emergency deploys (${c.retroMissing} need a retrospective approval).`,
    );
  });

  async function decide(
    actor: Actor,
    id: string,
    decision: 'approve' | 'reject',
    tell: (t: string) => Promise<unknown>,
    reason?: string,
  ) {
    const outcome = await click(deps, {
      id,
      actor,
      trigger: reason === undefined ? 'button' : 'modal',
      decision,
      reason,
    });
    if (outcome.outcome === 'refused') return void (await tell(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const report = outcome.report;
    if (!report.ok) return void (await tell(refusalText(report.reason, report.request, id)));
    deps.log.info({ requestId: id, change: report.change, user: actor.user }, 'approval decision');
    await tell(changeSummary(report));
  }

  app.action<BlockAction<ButtonAction>>(approvalIds.approve, async ({ ack, body, action, respond }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    await decide({ user: body.user.id, channel: body.channel?.id }, action.value ?? '', 'approve', tell);
  });

  app.action<BlockAction<ButtonAction>>(approvalIds.reject, async ({ ack, body, action, respond }) => {
    await ack();
    const id = action.value ?? '';
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    // The form needs the request: read within the trigger's budget, or shown in a loading modal once it is read.
    const first = { client: deps.chat.client, log: deps.log, triggerId: body.trigger_id, title: 'Reject deploy', tell };
    await openModalFirst(first, async (told) => {
      const request = await getRequest(deps.db, id);
      if (!request) return void (await told(refusalText('not-found', undefined, id)));
      if (request.status !== 'pending') return void (await told(refusalText('decided', request, id)));
      const metadata = JSON.stringify({ id, channel: body.channel?.id ?? request.slack?.channel ?? '' });
      return rejectModal(request, metadata);
    });
  });

  app.view(approvalIds.rejectModal, async ({ ack, view, body }) => {
    const form = RejectForm.safeParse(readInputs(view.state.values));
    if (!form.success) return ack({ response_action: 'errors', errors: fieldErrors(form.error.issues) });
    const meta = Metadata.safeParse(safeJson(view.private_metadata));
    if (!meta.success)
      return ack({
        response_action: 'errors',
        errors: { reason: 'This form lost its request; close it and click Reject again.' },
      });
    await ack();
    const actor = { user: body.user.id, channel: meta.data.channel };
    const tell = (text: string) => deps.chat.ephemeral(actor.channel, actor.user, { text });
    // Whether this person may reject is checked now, in the transaction, not when the modal opened.
    await decide(actor, meta.data.id, 'reject', tell, form.data.reason);
  });
}
