// The access review message's Approve / Flag issue buttons and their modals (the reason anomalies are accepted; the
// action items): decided through the pipeline, shown on the message, in its thread and on the GitHub issue.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { approvalRefusal, type DecisionResult } from '../src/access/decide.js';
import { getReview } from '../src/access/store.js';
import type { Deps } from '../src/deps.js';
import { decisionOperation } from '../src/operate/access.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { showDecision } from '../src/publish/access-decision.js';
import { tellPerson } from '../src/publish/after-commit.js';
import { accessIds, alreadyDecidedText } from '../src/render/blocks/access.js';
import { approveModal, flagModal } from '../src/render/blocks/access-modals.js';
import { readDecisionModal } from '../src/slack/inputs.js';
import { ackAuthorized, openModalFirst } from '../src/slack/modal-first.js';
import type { Surfaces } from '../src/slack/router.js';
import type { Actor } from '../src/store/runs.js';

const Metadata = z.object({ reviewId: z.string().min(1), channel: z.string().min(1) });
const ApproveForm = z.object({
  reason: z
    .string()
    .trim()
    .min(3, 'Say why these anomalies are accepted: it goes into the audit log and the GitHub issue.'),
});
const FlagForm = z.object({
  actionItems: z.string().trim().min(3, 'List the action items: what has to change, and who does it.'),
});

/** What the person who clicked reads when their decision was not the one recorded. */
function refusalText(result: Exclude<DecisionResult, { ok: true }>, reviewId: string): string {
  if (result.reason === 'not-found') return `There is no access review \`${reviewId}\`; nothing changed.`;
  if (result.reason === 'already-decided') return alreadyDecidedText(result.review);
  if (result.reason === 'requester')
    return 'You started this review, so someone else must approve it; nothing changed.';
  return 'A note is required for this decision; nothing changed.';
}

export function registerAccessDecisions(app: Surfaces, deps: Deps): void {
  /**
   * The modal (when the click needs one) opens within Slack's trigger window even when the reviewer group takes longer
   * to look up; the pipeline checks the role again on submit.
   */
  async function onButton(
    body: BlockAction,
    action: ButtonAction,
    what: 'Approve' | 'Flag issue',
    respond: (text: string) => Promise<unknown>,
  ) {
    const actor: Actor = { user: body.user.id, channel: body.channel?.id };
    const reviewId = action.value ?? '';
    const title = what === 'Approve' ? 'Approve review' : 'Flag issue';
    const first = { client: deps.chat.client, log: deps.log, triggerId: body.trigger_id, title, tell: respond };
    await openModalFirst(first, async (tell) => {
      // Refused (and audited) by the pipeline, with the same words as any other refusal.
      if (!(await deps.roles.has(actor.user, 'reviewer')))
        return void (await decide(actor, reviewId, 'approved', null, 'button', tell, what));
      const review = await getReview(deps.db, reviewId);
      if (!review) return void (await tell(`There is no access review \`${reviewId}\`; nothing changed.`));
      if (review.decision) return void (await tell(alreadyDecidedText(review)));
      const metadata = JSON.stringify({ reviewId, channel: actor.channel ?? review.slackChannel });
      if (what === 'Flag issue') return flagModal(review, metadata);
      // Anomalies are accepted only with a reason; the requester is refused (and audited) before any form shows.
      if (review.anomalies.length > 0 && approvalRefusal(review, actor) === undefined)
        return approveModal(review, metadata);
      return {
        later: async () =>
          (await decide(actor, reviewId, 'approved', null, 'button', tell))
            ? `Access review \`${reviewId}\`: your approval is recorded.`
            : undefined,
      };
    });
  }

  /** Decides through the pipeline (role, compare-and-set, audit in one transaction), then shows the decision. */
  async function decide(
    actor: Actor,
    reviewId: string,
    decision: 'approved' | 'flagged',
    note: string | null,
    trigger: 'button' | 'modal',
    tell: (text: string) => Promise<unknown>,
    what?: string,
  ): Promise<boolean> {
    const spec = decisionOperation({ reviewId, decision, actor, note, trigger, at: deps.now });
    const outcome = await operate(deps, what ? { ...spec, what } : spec);
    if (outcome.outcome === 'refused') {
      await tell(outcome.reason);
      return false;
    }
    if (outcome.outcome !== 'done') rethrow(outcome);
    const result = outcome.report;
    if (!result.ok) {
      await tell(refusalText(result, reviewId));
      return false;
    }
    deps.log.info({ reviewId, decision, user: actor.user }, 'access review decided');
    const undelivered = await showDecision(deps, result.review);
    if (undelivered) await tell(undelivered);
    return true;
  }
  for (const [id, what] of [
    [accessIds.approve, 'Approve'],
    [accessIds.flag, 'Flag issue'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, respond }) => {
      await ack();
      await onButton(body, action, what, (text) =>
        respond({ response_type: 'ephemeral', replace_original: false, text }),
      );
    });
  }

  for (const [callbackId, form, decision] of [
    [accessIds.approveModal, ApproveForm, 'approved'],
    [accessIds.flagModal, FlagForm, 'flagged'],
  ] as const) {
    app.view(callbackId, async ({ ack, view, body }) => {
      const field = decision === 'approved' ? 'reason' : 'actionItems';
      const read = readDecisionModal(
        view,
        form,
        Metadata,
        field,
        'This form lost its review; close it and click the button again.',
      );
      if ('errors' in read) return ack({ response_action: 'errors', errors: read.errors });
      const { note, meta } = read;
      const actor = { user: body.user.id, channel: meta.channel };
      const tell = (text: string) => tellPerson(deps, actor, text);
      const { reviewId } = meta;
      // The role is checked now (a refusal shows in the modal); what the review allows, in the decision's transaction.
      const spec = decisionOperation({ reviewId, decision, actor, note, trigger: 'modal', at: deps.now });
      if (!(await ackAuthorized(deps, spec, { ack, field, tell }))) return;
      await decide(actor, reviewId, decision, note, 'modal', tell);
    });
  }
}
