// /access-review [run|latest|evidence <YYYY-Qn>|help], and the review message's Approve / Flag issue buttons with
// their modals (the reason anomalies are accepted; the action items).

import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { approvalRefusal, type DecisionResult } from '../src/access/decide.js';
import { parseQuarter } from '../src/access/evidence.js';
import { getReview, latestReview } from '../src/access/store.js';
import type { Deps } from '../src/deps.js';
import { decisionOperation } from '../src/operate/access.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { publishDecision } from '../src/publish/access-decision.js';
import { evidenceOperation } from '../src/publish/access-evidence.js';
import { reviewOperation } from '../src/publish/access-thread.js';
import { accessIds, alreadyDecidedText, latestReviewText } from '../src/render/blocks/access.js';
import { approveModal, flagModal } from '../src/render/blocks/access-modals.js';
import { usageText } from '../src/render/blocks/help.js';
import { utcTime } from '../src/render/blocks/kit.js';
import { fieldErrors, readInputs } from '../src/slack/inputs.js';
import type { Actor } from '../src/store/runs.js';

type Parsed = { usage: true; problem?: string } | { sub: 'run' | 'latest' } | { sub: 'evidence'; quarter: string };
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

/** Pure: the subcommand, or the usage with what was wrong. It runs before ack. */
export function parseAccessText(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = (problem?: string): Parsed => ({ usage: true, ...(problem ? { problem } : {}) });
  const [sub = 'run', ...rest] = words.map((w, i) => (i === 0 ? w.toLowerCase() : w));
  if (sub === 'help') return usage();
  if ((sub === 'run' || sub === 'latest') && rest.length === 0) return { sub };
  if (sub === 'run' || sub === 'latest')
    return usage(`\`/access-review ${sub}\` takes nothing after it; \`${rest.join(' ')}\` is extra.`);
  if (sub !== 'evidence') return usage(`\`${sub}\` is not something \`/access-review\` does.`);
  if (rest.length !== 1)
    return usage('`/access-review evidence` needs one quarter, e.g. `/access-review evidence 2026-Q3`.');
  const quarter = parseQuarter(rest[0]!);
  return quarter.ok ? { sub: 'evidence', quarter: quarter.quarter } : usage(quarter.reason);
}

const safeJson = (text: string | undefined) => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};

/** What the person who clicked reads when their decision was not the one recorded. */
function refusalText(result: Exclude<DecisionResult, { ok: true }>, reviewId: string): string {
  if (result.reason === 'not-found') return `There is no access review \`${reviewId}\`; nothing changed.`;
  if (result.reason === 'already-decided') return alreadyDecidedText(result.review);
  if (result.reason === 'requester')
    return 'You started this review, so someone else must approve it; nothing changed.';
  return 'A note is required for this decision; nothing changed.';
}

export function registerAccessReview(app: App, deps: Deps): void {
  app.command('/access-review', async ({ command, ack, respond }) => {
    const parsed = parseAccessText(command.text);
    if ('usage' in parsed) {
      // Help lists only what the caller may run; roles are configured ids, and group members are cached.
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({ response_type: 'ephemeral', text: usageText('/access-review', roles, parsed.problem) });
    }
    await ack();
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (parsed.sub === 'latest') {
      const review = await latestReview(deps.db);
      const link =
        review?.slackChannel && review.slackTs
          ? await deps.chat.permalink({ channel: review.slackChannel, ts: review.slackTs })
          : undefined;
      return void (await reply(latestReviewText(review, link)));
    }
    if (parsed.sub === 'evidence') {
      const outcome = await operate(deps, evidenceOperation(deps, parsed.quarter, actor));
      if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
      if (outcome.outcome !== 'done') rethrow(outcome);
      const { pkg, ref } = outcome.report;
      if ('reason' in pkg) return void (await reply(pkg.reason));
      const link = ref ? await deps.chat.permalink(ref) : undefined;
      return void (await reply(
        `Evidence ${parsed.quarter}: ${pkg.index.reviews} reviews, ${pkg.index.gapWeeks} gap weeks${link ? ` — <${link}|package>` : ''}.`,
      ));
    }
    await reply('Taking an access snapshot…');
    const result = await operate(deps, reviewOperation(deps, 'slash', actor, { fallbackChannel: actor.channel }));
    if (result.outcome === 'refused') return void (await reply(result.reason));
    if (result.outcome === 'busy') {
      const since = result.holder ? ` (started ${utcTime(new Date(result.holder.acquiredAt))})` : '';
      return void (await reply(
        `An access review is already being taken${since}; it will be posted in the review channel. Nothing new was started.`,
      ));
    }
    if (result.outcome !== 'done') rethrow(result);
    const { review, ref } = result.report.published!;
    const link = ref ? await deps.chat.permalink(ref) : undefined;
    await reply(
      `Access review \`${review.id}\` posted${link ? `: <${link}|open the thread>` : ''} — ${review.anomalies.length} anomalies, ${review.diff.changes.length} changes.`,
    );
  });

  async function onButton(
    body: BlockAction,
    action: ButtonAction,
    what: 'Approve' | 'Flag issue',
    respond: (text: string) => Promise<unknown>,
  ) {
    const actor: Actor = { user: body.user.id, channel: body.channel?.id };
    if (!(await deps.roles.has(actor.user, 'reviewer'))) {
      // Refused (and audited) by the pipeline, with the same words as any other refusal.
      return void (await decide(actor, action.value ?? '', 'approved', null, 'button', respond, what));
    }
    const reviewId = action.value ?? '';
    const review = await getReview(deps.db, reviewId);
    if (!review) return void (await respond(`There is no access review \`${reviewId}\`; nothing changed.`));
    if (review.decision) return void (await respond(alreadyDecidedText(review)));
    const metadata = JSON.stringify({ reviewId, channel: actor.channel ?? review.slackChannel });
    if (what === 'Flag issue')
      return void (await deps.chat.client.views.open({
        trigger_id: body.trigger_id,
        view: flagModal(review, metadata),
      }));
    // Anomalies are accepted only with a reason; the requester is refused (and audited) before any modal opens.
    if (review.anomalies.length > 0 && approvalRefusal(review, actor) === undefined) {
      return void (await deps.chat.client.views.open({
        trigger_id: body.trigger_id,
        view: approveModal(review, metadata),
      }));
    }
    await decide(actor, reviewId, 'approved', null, 'button', respond);
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
  ) {
    const spec = decisionOperation({ reviewId, decision, actor, note, trigger, at: deps.now });
    const outcome = await operate(deps, what ? { ...spec, what } : spec);
    if (outcome.outcome === 'refused') return void (await tell(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const result = outcome.report;
    if (!result.ok) return void (await tell(refusalText(result, reviewId)));
    deps.log.info({ reviewId, decision, user: actor.user }, 'access review decided');
    await publishDecision(deps, result.review);
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
      const parsed = form.safeParse(readInputs(view.state.values));
      if (!parsed.success) return ack({ response_action: 'errors', errors: fieldErrors(parsed.error.issues) });
      const meta = Metadata.safeParse(safeJson(view.private_metadata));
      const field = decision === 'approved' ? 'reason' : 'actionItems';
      if (!meta.success)
        return ack({
          response_action: 'errors',
          errors: { [field]: 'This form lost its review; close it and click the button again.' },
        });
      await ack();
      const actor = { user: body.user.id, channel: meta.data.channel };
      const tell = (text: string) => deps.chat.ephemeral(actor.channel, actor.user, { text });
      // Roles may have changed since the modal opened: the pipeline checks them again.
      const note = 'reason' in parsed.data ? parsed.data.reason : parsed.data.actionItems;
      await decide(actor, meta.data.reviewId, decision, note, 'modal', tell);
    });
  }
}
