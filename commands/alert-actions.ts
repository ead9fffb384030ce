// The alert message's Snooze menu and Resolve button (with its note modal), and the DM's "Still on it" button. Each
// goes through its operation (compare-and-set + audit event); a click that changed nothing is told why.
import type { BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import { z } from 'zod';
import { deliverNow } from '../src/alerts/observe.js';
import { RESOLVE_NOTE_MAX } from '../src/alerts/resolve.js';
import { SNOOZE_CHOICES, type SnoozeChoice, snoozeUntil } from '../src/alerts/snooze.js';
import { type AlertRow, findAlert } from '../src/alerts/store.js';
import type { Deps } from '../src/deps.js';
import {
  confirmOperation,
  resolveOperation,
  snoozeOperation,
  unsnoozeOperation,
} from '../src/operate/alert-actions.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { alertIds } from '../src/render/blocks/alert.js';
import { resolveModal, snoozedAnswer, unchangedAnswer } from '../src/render/blocks/alert-actions.js';
import { fieldErrors, readInputs } from '../src/slack/inputs.js';
import type { Surfaces } from '../src/slack/router.js';

const ResolveForm = z.object({
  note: z
    .string()
    .trim()
    .min(1, 'Say in a few words what fixed it (or why it needs no fix).')
    .max(RESOLVE_NOTE_MAX, `At most ${RESOLVE_NOTE_MAX} characters.`),
});
const ResolveMetadata = z.object({ id: z.string().regex(/^\d{1,18}$/), channel: z.string() });

export function registerAlertActions(app: Surfaces, deps: Deps): void {
  /** The alert of a click from its own message; otherwise the answer that refuses it. */
  async function alertOf(id: string, channel: string | undefined): Promise<AlertRow | string> {
    const alert = await findAlert(deps.db, id);
    if (!alert) return `There is no alert \`${id.replace(/[^\w-]/g, '')}\`; nothing changed.`;
    if (alert.slack_channel && channel !== alert.slack_channel)
      return `This alert lives in <#${alert.slack_channel}>; act on it there. Nothing changed.`;
    return alert;
  }

  app.action<BlockAction<OverflowAction>>(alertIds.snooze, async ({ ack, body, action, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const [id = '', choice = ''] = (action.selected_option?.value ?? '').split(':');
    const actor = { user: body.user.id, channel: body.channel?.id };
    const alert = await alertOf(id, actor.channel);
    if (typeof alert === 'string') return void (await say(alert));
    if (choice === 'end') {
      const outcome = await operate(deps, unsnoozeOperation(alert.id, actor, deps));
      if (outcome.outcome !== 'done') rethrow(outcome);
      if (outcome.report.outcome !== 'unsnoozed')
        return void (await say(unchangedAnswer(current(outcome.report), 'unsnooze')));
      await deliverNow(deps, alert.id);
      return void (await say('Snooze ended: reminders and escalation run again.'));
    }
    if (!SNOOZE_CHOICES.includes(choice as SnoozeChoice))
      return void (await say(`\`${choice.replace(/[^\w-]/g, '')}\` is not a snooze choice; nothing changed.`));
    // tomorrow 09:00 is the clicker's morning: their Slack time zone, or SCHEDULE_TZ when Slack does not say.
    const zone = choice === 'morning' ? ((await deps.chat.timeZone(actor.user)) ?? deps.config.scheduleTz) : 'UTC';
    const until = snoozeUntil(choice as SnoozeChoice, deps.now(), zone);
    const outcome = await operate(deps, snoozeOperation(alert.id, actor, until, choice, deps));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const report = outcome.report;
    if (report.outcome !== 'snoozed') return void (await say(unchangedAnswer(current(report), 'snooze')));
    deps.log.info({ alertId: alert.id, key: alert.key, user: actor.user, until }, 'alert snoozed');
    await deliverNow(deps, alert.id);
    await say(snoozedAnswer(report.alert));
  });

  app.action<BlockAction<ButtonAction>>(alertIds.resolve, async ({ ack, body, action, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const alert = await alertOf(action.value ?? '', body.channel?.id);
    if (typeof alert === 'string') return void (await say(alert));
    if (alert.status === 'resolved') return void (await say(unchangedAnswer(alert, 'resolve')));
    const metadata = JSON.stringify({ id: alert.id, channel: body.channel?.id ?? alert.slack_channel ?? '' });
    await deps.chat.client.views.open({
      trigger_id: body.trigger_id,
      view: resolveModal(alert, metadata, RESOLVE_NOTE_MAX),
    });
  });

  app.view(alertIds.resolveModal, async ({ ack, view, body }) => {
    const form = ResolveForm.safeParse(readInputs(view.state.values));
    if (!form.success) return ack({ response_action: 'errors', errors: fieldErrors(form.error.issues) });
    const meta = ResolveMetadata.safeParse(safeJson(view.private_metadata));
    if (!meta.success)
      return ack({
        response_action: 'errors',
        errors: { note: 'This form lost its alert; close it and press Resolve again.' },
      });
    await ack();
    const actor = { user: body.user.id, channel: meta.data.channel };
    const tell = (text: string) => deps.chat.ephemeral(actor.channel, actor.user, { text });
    const outcome = await operate(deps, resolveOperation(meta.data.id, actor, form.data.note, deps));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const report = outcome.report;
    if (report.outcome !== 'resolved') return void (await tell(unchangedAnswer(current(report), 'resolve')));
    deps.log.info({ alertId: report.alert.id, key: report.alert.key, user: actor.user }, 'alert resolved by hand');
    await deliverNow(deps, report.alert.id);
  });

  app.action<BlockAction<ButtonAction>>(alertIds.stillOnIt, async ({ ack, body, action, respond }) => {
    await ack();
    const actor = { user: body.user.id, channel: body.channel?.id };
    const outcome = await operate(deps, confirmOperation(action.value ?? '', actor, deps));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const report = outcome.report;
    if (report.outcome !== 'confirmed')
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: unchangedAnswer(current(report), 'confirm'),
      }));
    await deliverNow(deps, report.alert.id);
    await respond({
      replace_original: true,
      text: `✅ Thanks: you are still on it, so the alert stays acknowledged by you. opsbot asks again in ${deps.config.alerts.ackTimeoutMinutes} min if it is still open.`,
    });
  });
}

const current = (report: { outcome: string; alert?: AlertRow }) => ('alert' in report ? report.alert : undefined);

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
