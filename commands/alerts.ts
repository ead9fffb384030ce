// The alert message's Acknowledge button: marks the alert as picked up, stops its reminders, updates the message.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { deliverNow } from '../src/alerts/observe.js';
import { findAlert } from '../src/alerts/store.js';
import type { Deps } from '../src/deps.js';
import { acknowledgeOperation } from '../src/operate/alerts.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { noteAcknowledgement } from '../src/publish/downtime-issue.js';
import { alertIds } from '../src/render/blocks/alert.js';
import { utcTime } from '../src/render/blocks/kit.js';
import type { Surfaces } from '../src/slack/router.js';
import { registerAlertActions } from './alert-actions.js';

export function registerAlerts(app: Surfaces, deps: Deps): void {
  registerAlertActions(app, deps);
  // No role is required: whoever can see the alert channel is who responds to alerts, and an on-call engineer who
  // is not in OPSBOT_* must still be able to stop the reminders at 3 am. Acknowledging changes only the alert's
  // bookkeeping, never a system, and every acknowledgement is audited with who and when.
  app.action<BlockAction<ButtonAction>>(alertIds.acknowledge, async ({ ack, body, action, respond }) => {
    await ack();
    const actor = { user: body.user.id, channel: body.channel?.id };
    // The App Home carries the same button; there is no channel to answer in, so the answer comes as a DM.
    const fromHome = body.view?.type === 'home';
    const say = (text: string) =>
      fromHome
        ? deps.chat.post(actor.user, { text }).then(() => undefined)
        : respond({ response_type: 'ephemeral', replace_original: false, text });
    const alert = await findAlert(deps.db, action.value ?? '');
    if (!alert) return void (await say(`There is no alert \`${action.value ?? ''}\`; nothing changed.`));
    // The button lives on the message in the alert channel and in the App Home; one from another channel is not ours.
    if (!fromHome && alert.slack_channel && actor.channel !== alert.slack_channel) {
      return void (await say(`This alert lives in <#${alert.slack_channel}>; acknowledge it there. Nothing changed.`));
    }
    const outcome = await operate(deps, acknowledgeOperation(alert.id, actor, deps));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const result = outcome.report;
    if (result.outcome === 'acknowledged') {
      deps.log.info({ alertId: alert.id, key: alert.key, user: actor.user }, 'alert acknowledged');
      await deliverNow(deps, alert.id);
      // An outage's GitHub issue hears of it now, not at the next uptime round.
      if (alert.key.startsWith('uptime:')) await noteAcknowledgement(deps, alert.id);
      return;
    }
    if (result.outcome === 'unknown') return void (await say('This alert no longer exists; nothing changed.'));
    const current = result.alert;
    if (current.status === 'resolved' && current.resolved_at) {
      await say(`This alert was already resolved at ${utcTime(current.resolved_at)}; nothing changed.`);
    } else if (current.acknowledged_by && current.acknowledged_at) {
      await say(
        `Already acknowledged by <@${current.acknowledged_by}> at ${utcTime(current.acknowledged_at)}; nothing changed.`,
      );
    }
  });
}
