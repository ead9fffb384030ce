// The change-control digest's Reviewed / Flag buttons and their modals (the reason exemptions are accepted; the action
// items): decided through the pipeline, then shown on the digest message and in its thread.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { type DigestDecisionResult, digestRefusal, needsNote } from '../src/change-control/decide.js';
import { type ChangeDecision, getDigest } from '../src/change-control/store.js';
import type { Deps } from '../src/deps.js';
import { digestDecisionOperation } from '../src/operate/change-control.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { tellPerson } from '../src/publish/after-commit.js';
import { showDigestDecision } from '../src/publish/change-decision.js';
import {
  alreadyDecidedDigestText,
  authorRefusalText,
  changeIds,
  flagDigestModal,
  reviewedModal,
} from '../src/render/blocks/change-control.js';
import { readDecisionModal } from '../src/slack/inputs.js';
import { ackAuthorized, openModalFirst } from '../src/slack/modal-first.js';
import type { Surfaces } from '../src/slack/router.js';
import type { Actor } from '../src/store/runs.js';

const Metadata = z.object({ digestId: z.string().min(1), channel: z.string().min(1) });
const ReviewedForm = z.object({
  reason: z
    .string()
    .trim()
    .min(3, 'Say why these exemptions are accepted: it goes into the audit log and the evidence.'),
});
const FlagForm = z.object({
  actionItems: z.string().trim().min(3, 'List the action items: what has to change, and who does it.'),
});

function refusalText(result: Exclude<DigestDecisionResult, { ok: true }>, digestId: string): string {
  if (result.reason === 'not-found') return `There is no change-control digest \`${digestId}\`; nothing changed.`;
  if (result.reason === 'already-decided') return alreadyDecidedDigestText(result.digest);
  if (result.reason === 'author') return authorRefusalText(result.logins);
  return 'A reason is required for this decision; nothing changed.';
}

export function registerChangeDecisions(app: Surfaces, deps: Deps): void {
  async function decide(
    actor: Actor,
    digestId: string,
    decision: ChangeDecision,
    note: string | null,
    trigger: 'button' | 'modal',
    tell: (text: string) => Promise<unknown>,
  ): Promise<string | undefined> {
    const spec = digestDecisionOperation({
      digestId,
      decision,
      actor,
      note,
      trigger,
      at: deps.now,
      userMap: deps.config.github.userMap,
    });
    const outcome = await operate(deps, spec);
    if (outcome.outcome === 'refused') return void (await tell(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    if (!outcome.report.ok) return void (await tell(refusalText(outcome.report, digestId)));
    deps.log.info({ digestId, decision, user: actor.user }, 'change-control digest decided');
    const undelivered = await showDigestDecision(deps, outcome.report.digest);
    if (undelivered) await tell(undelivered);
    return `Digest \`${digestId}\`: your decision is recorded.`;
  }

  /**
   * The modal (when the click needs one) opens within Slack's trigger window even when the reviewer group takes longer
   * to look up; the pipeline checks the role again on submit.
   */
  async function onButton(
    body: BlockAction,
    action: ButtonAction,
    decision: ChangeDecision,
    respond: (t: string) => Promise<unknown>,
  ) {
    const actor: Actor = { user: body.user.id, channel: body.channel?.id };
    const digestId = action.value ?? '';
    const title = decision === 'reviewed' ? 'Digest reviewed' : 'Flag digest';
    const first = { client: deps.chat.client, log: deps.log, triggerId: body.trigger_id, title, tell: respond };
    await openModalFirst(first, async (tell) => {
      const now = { later: () => decide(actor, digestId, decision, null, 'button', tell) };
      // Without the role the pipeline refuses (and audits) with the same words as any other refusal.
      if (!(await deps.roles.has(actor.user, 'reviewer'))) return now;
      const digest = await getDigest(deps.db, digestId);
      if (!digest) return void (await tell(`There is no change-control digest \`${digestId}\`; nothing changed.`));
      // An author or a decided digest is refused (and audited) by the pipeline before any form shows.
      if (digestRefusal(digest, actor, deps.config.github.userMap) || !needsNote(digest, decision)) return now;
      const metadata = JSON.stringify({ digestId, channel: actor.channel ?? digest.slackChannel });
      return decision === 'reviewed' ? reviewedModal(digest, metadata) : flagDigestModal(digest, metadata);
    });
  }
  for (const [id, decision] of [
    [changeIds.reviewed, 'reviewed'],
    [changeIds.flag, 'flagged'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, respond }) => {
      await ack();
      await onButton(body, action, decision, (text) =>
        respond({ response_type: 'ephemeral', replace_original: false, text }),
      );
    });
  }

  for (const [callbackId, form, decision] of [
    [changeIds.reviewedModal, ReviewedForm, 'reviewed'],
    [changeIds.flagModal, FlagForm, 'flagged'],
  ] as const) {
    app.view(callbackId, async ({ ack, view, body }) => {
      const field = decision === 'reviewed' ? 'reason' : 'actionItems';
      const read = readDecisionModal(
        view,
        form,
        Metadata,
        field,
        'This form lost its digest; close it and click the button again.',
      );
      if ('errors' in read) return ack({ response_action: 'errors', errors: read.errors });
      const { note, meta } = read;
      const actor = { user: body.user.id, channel: meta.channel };
      const tell = (text: string) => tellPerson(deps, actor, text);
      const { digestId } = meta;
      // The role is checked now (a refusal shows in the modal); what the digest allows, in the decision's transaction.
      const { userMap } = deps.config.github;
      const spec = digestDecisionOperation({
        digestId,
        decision,
        actor,
        note,
        trigger: 'modal',
        at: deps.now,
        userMap,
      });
      if (!(await ackAuthorized(deps, spec, { ack, field, tell }))) return;
      await decide(actor, digestId, decision, note, 'modal', tell);
    });
  }
}
