// /retention [run|latest|help], and the report's buttons: Request deletion (an operator), Approve deletion (a second
// person, who then watches it run in batches with a Stop button), Stop.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import {
  approveOperation,
  deleteOperation,
  requestOperation,
  retentionReportOperation,
  stopOperation,
} from '../src/operate/retention.js';
import { publishAfterCommit } from '../src/publish/after-commit.js';
import { latestOnly } from '../src/publish/latest-only.js';
import { publishRetentionReport } from '../src/publish/retention.js';
import {
  deletionProgressMessage,
  deletionRequestMessage,
  deletionResultMessage,
  retentionIds,
  retentionLatestText,
  retentionUsage,
} from '../src/render/blocks/retention.js';
import type { DeletionProgress } from '../src/retention/report.js';
import { getReport, latestReport } from '../src/retention/store.js';
import type { Surfaces } from '../src/slack/router.js';
import type { Actor } from '../src/store/runs.js';

export function parseRetentionText(text: string): { sub: 'run' | 'latest' } | { usage: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const sub = (words[0] ?? 'run').toLowerCase();
  if (words.length > 1) return { usage: retentionUsage(`\`/retention ${words.join(' ')}\`: one word at most.`) };
  if (sub === 'run' || sub === 'latest') return { sub };
  if (sub === 'help') return { usage: retentionUsage() };
  return { usage: retentionUsage(`\`${words[0]}\` is not something \`/retention\` does.`) };
}

export function registerRetention(app: Surfaces, deps: Deps): void {
  app.command('/retention', async ({ command, ack, respond }) => {
    const parsed = parseRetentionText(command.text);
    if ('usage' in parsed) return ack({ response_type: 'ephemeral', text: parsed.usage });
    await ack({ response_type: 'ephemeral', text: parsed.sub === 'run' ? 'Counting what is past retention…' : '…' });
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (parsed.sub === 'latest') return void (await reply(retentionLatestText((await latestReport(deps.db))?.report)));
    const actor = { user: command.user_id, channel: command.channel_id };
    const outcome = await operate(deps, retentionReportOperation(deps, 'slash', actor));
    if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
    if (outcome.outcome === 'busy')
      return void (await reply('A retention report is being taken right now; try again in a minute.'));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const ref = await publishRetentionReport(deps, outcome.report, outcome.runId, actor.channel);
    await reply(
      ref ? `Retention report \`${outcome.report.id}\` posted.` : 'The report is stored; no channel to post it to.',
    );
  });

  const button = (
    id: string,
    handle: (actor: Actor, value: string, say: (t: string) => Promise<unknown>) => Promise<void>,
  ) =>
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, respond }) => {
      await ack();
      const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      await handle({ user: body.user.id, channel: body.channel?.id }, action.value ?? '', say);
    });

  button(retentionIds.request, async (actor, reportId, say) => {
    const outcome = await operate(deps, requestOperation(reportId, actor, deps));
    if (outcome.outcome === 'refused') return void (await say(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    if (!outcome.report.ok) return void (await say(outcome.report.reason));
    const stored = await getReport(deps.db, reportId);
    const channel = stored?.slackChannel ?? actor.channel;
    if (channel)
      await deps.chat.post(
        channel,
        deletionRequestMessage(reportId, outcome.report.value.id, actor.user),
        stored?.slackTs ?? undefined,
      );
  });

  button(retentionIds.approve, async (actor, deletionId, say) => {
    const approved = await operate(deps, approveOperation(deletionId, actor, deps));
    if (approved.outcome === 'refused') return void (await say(approved.reason));
    if (approved.outcome !== 'done') rethrow(approved);
    if (!approved.report.ok) return void (await say(approved.report.reason));
    const { reportId } = approved.report.value;
    const stored = await getReport(deps.db, reportId);
    const channel = stored?.slackChannel ?? actor.channel!;
    const thread = stored?.slackTs ?? undefined;
    const seen = new Map<string, DeletionProgress>();
    // Progress is best effort: a channel opsbot can't post in doesn't stop an approved deletion.
    const ref = await deps.chat
      .post(channel, deletionProgressMessage(deletionId, actor.user, []), thread)
      .catch((err) => void deps.log.warn({ err, channel }, 'retention progress not posted'));
    const updates = latestOnly<DeletionProgress[]>(
      async (progress) => {
        if (ref) await deps.chat.update(ref, deletionProgressMessage(deletionId, actor.user, progress));
      },
      (error) => deps.log.warn({ err: error }, 'retention progress could not be shown'),
    );
    const outcome = await operate(deps, deleteOperation(reportId, 'button', actor, deps), {
      onProgress: (update) => {
        seen.set(update.policy, update);
        updates.push([...seen.values()]);
      },
    });
    await updates.close();
    if (outcome.outcome === 'refused' || outcome.outcome === 'busy')
      return void (await say(outcome.outcome === 'busy' ? 'This deletion is already running.' : outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    // The deletion is committed: a result Slack won't take is a note to the approver, never a failure.
    const result = deletionResultMessage(outcome.report);
    const where = `deletion \`${deletionId}\` is recorded with its counts in its run record and audit event`;
    const note = await publishAfterCommit(deps, { what: 'The deletion result', channel, where }, async () => {
      if (ref) await deps.chat.update(ref, result);
      else await deps.chat.post(channel, result, thread);
    });
    if (note) await say(`${result.text}\n${note}`);
  });

  button(retentionIds.stop, async (actor, deletionId, say) => {
    const outcome = await operate(deps, stopOperation(deletionId, actor, deps));
    if (outcome.outcome === 'refused') return void (await say(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    await say(
      outcome.report.ok
        ? 'Stopping after the batch under way; what is deleted is whole batches.'
        : outcome.report.reason,
    );
  });
}
