// /change-control [run|latest|evidence <YYYY-Qn>|help], and the digest's Reviewed / Flag buttons with their modals
// (the reason exemptions are accepted; the action items).
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { parseQuarter } from '../src/access/evidence.js';
import { type DigestDecisionResult, digestRefusal, needsNote } from '../src/change-control/decide.js';
import { type ChangeDecision, getDigest, latestDigest } from '../src/change-control/store.js';
import type { Deps } from '../src/deps.js';
import { digestDecisionOperation } from '../src/operate/change-control.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { publishDigestDecision } from '../src/publish/change-decision.js';
import { digestOperation } from '../src/publish/change-digest.js';
import { changeEvidenceOperation } from '../src/publish/change-evidence.js';
import { maskSecrets } from '../src/redact.js';
import {
  alreadyDecidedDigestText,
  authorRefusalText,
  changeIds,
  flagDigestModal,
  latestDigestText,
  reviewedModal,
} from '../src/render/blocks/change-control.js';
import { usageText } from '../src/render/blocks/help.js';
import { utcTime } from '../src/render/blocks/kit.js';
import { fieldErrors, readInputs } from '../src/slack/inputs.js';
import type { Actor } from '../src/store/runs.js';

type Parsed = { usage: true; problem?: string } | { sub: 'run' | 'latest' } | { sub: 'evidence'; quarter: string };
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

/** Pure: the subcommand, or the usage with what was wrong. It runs before ack. */
export function parseChangeText(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = (problem?: string): Parsed => ({ usage: true, ...(problem ? { problem } : {}) });
  const [sub = 'run', ...rest] = words.map((w, i) => (i === 0 ? w.toLowerCase() : w));
  if (sub === 'help') return usage();
  if ((sub === 'run' || sub === 'latest') && rest.length === 0) return { sub };
  if (sub === 'run' || sub === 'latest')
    return usage(
      `\`/change-control ${sub}\` takes nothing after it; \`${rest.join(' ').replace(/[`<>&]/g, '')}\` is extra.`,
    );
  if (sub !== 'evidence') return usage(`\`${sub.replace(/[`<>&]/g, '')}\` is not something \`/change-control\` does.`);
  if (rest.length !== 1)
    return usage('`/change-control evidence` needs one quarter, e.g. `/change-control evidence 2026-Q3`.');
  const quarter = parseQuarter(rest[0]!.replace(/[`<>&]/g, ''));
  return quarter.ok ? { sub: 'evidence', quarter: quarter.quarter } : usage(quarter.reason);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const safeJson = (text: string | undefined) => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};

function refusalText(result: Exclude<DigestDecisionResult, { ok: true }>, digestId: string): string {
  if (result.reason === 'not-found') return `There is no change-control digest \`${digestId}\`; nothing changed.`;
  if (result.reason === 'already-decided') return alreadyDecidedDigestText(result.digest);
  if (result.reason === 'author') return authorRefusalText(result.logins);
  return 'A reason is required for this decision; nothing changed.';
}

export function registerChangeControl(app: App, deps: Deps): void {
  app.command('/change-control', async ({ command, ack, respond }) => {
    const parsed = parseChangeText(command.text);
    if ('usage' in parsed) {
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({ response_type: 'ephemeral', text: usageText('/change-control', roles, parsed.problem) });
    }
    await ack();
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (parsed.sub === 'latest') {
      const digest = await latestDigest(deps.db);
      const link =
        digest?.slackChannel && digest.slackTs
          ? await deps.chat.permalink({ channel: digest.slackChannel, ts: digest.slackTs })
          : undefined;
      return void (await reply(latestDigestText(digest, link)));
    }
    if (parsed.sub === 'evidence') {
      const outcome = await operate(deps, changeEvidenceOperation(deps, parsed.quarter, actor));
      if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
      if (outcome.outcome !== 'done') rethrow(outcome);
      const { pkg, ref } = outcome.report;
      if ('reason' in pkg) return void (await reply(pkg.reason));
      const link = ref ? await deps.chat.permalink(ref) : undefined;
      return void (await reply(
        `Change-control evidence ${parsed.quarter}: ${plural(pkg.index.digests, 'digest')}, ${plural(pkg.index.gapWeeks, 'gap week')}, ${pkg.index.exemptions.length} exemptions${link ? ` — <${link}|package>` : ''}.`,
      ));
    }
    await reply('Reading last week’s merged pull requests from GitHub…');
    const result = await operate(deps, digestOperation(deps, 'slash', actor, { fallbackChannel: actor.channel }));
    if (result.outcome === 'refused') return void (await reply(result.reason));
    if (result.outcome === 'busy') {
      const since = result.holder ? ` (started ${utcTime(new Date(result.holder.acquiredAt))})` : '';
      return void (await reply(`A change-control digest is already being taken${since}; nothing new was started.`));
    }
    // GitHub refusing or failing is not opsbot's fault: say what it answered; nothing half-read was kept.
    if (result.outcome === 'failed' && typeof (result.cause as { status?: unknown })?.status === 'number')
      return void (await reply(
        `GitHub answered ${(result.cause as { status: number }).status} while reading the merged pull requests (${maskSecrets(result.error)}); no digest was stored or posted. Try again later.`,
      ));
    if (result.outcome !== 'done') rethrow(result);
    const { digest, ref, updated } = result.report;
    const link = ref ? await deps.chat.permalink(ref) : undefined;
    const c = digest.report.counts;
    await reply(
      `Change-control digest ${digest.week} ${updated ? 'updated' : 'posted'}${link ? `: <${link}|open the thread>` : ''} — ${c.total} merged, ${c.exempted} exempted, ${c.nonCompliant} non-compliant.`,
    );
  });

  async function decide(
    actor: Actor,
    digestId: string,
    decision: ChangeDecision,
    note: string | null,
    trigger: 'button' | 'modal',
    tell: (text: string) => Promise<unknown>,
  ) {
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
    await publishDigestDecision(deps, outcome.report.digest);
  }

  async function onButton(
    body: BlockAction,
    action: ButtonAction,
    decision: ChangeDecision,
    tell: (t: string) => Promise<unknown>,
  ) {
    const actor: Actor = { user: body.user.id, channel: body.channel?.id };
    const digestId = action.value ?? '';
    // Without the role the pipeline refuses (and audits) with the same words as any other refusal.
    if (!(await deps.roles.has(actor.user, 'reviewer'))) return decide(actor, digestId, decision, null, 'button', tell);
    const digest = await getDigest(deps.db, digestId);
    if (!digest) return void (await tell(`There is no change-control digest \`${digestId}\`; nothing changed.`));
    // An author or a decided digest is refused (and audited) by the pipeline before any modal opens.
    if (digestRefusal(digest, actor, deps.config.github.userMap) || !needsNote(digest, decision))
      return decide(actor, digestId, decision, null, 'button', tell);
    const metadata = JSON.stringify({ digestId, channel: actor.channel ?? digest.slackChannel });
    const view = decision === 'reviewed' ? reviewedModal(digest, metadata) : flagDigestModal(digest, metadata);
    await deps.chat.client.views.open({ trigger_id: body.trigger_id, view });
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
      const parsed = form.safeParse(readInputs(view.state.values));
      if (!parsed.success) return ack({ response_action: 'errors', errors: fieldErrors(parsed.error.issues) });
      const meta = Metadata.safeParse(safeJson(view.private_metadata));
      const field = decision === 'reviewed' ? 'reason' : 'actionItems';
      if (!meta.success)
        return ack({
          response_action: 'errors',
          errors: { [field]: 'This form lost its digest; close it and click the button again.' },
        });
      await ack();
      const actor = { user: body.user.id, channel: meta.data.channel };
      const tell = (text: string) => deps.chat.ephemeral(actor.channel, actor.user, { text });
      const note = 'reason' in parsed.data ? parsed.data.reason : parsed.data.actionItems;
      await decide(actor, meta.data.digestId, decision, note, 'modal', tell);
    });
  }
}
