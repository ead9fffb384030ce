// The words and blocks of the alert actions: the Resolve modal, the DMs (still on it? / paged), the thread replies of
// an escalation and a lapse, and the answers a click gets when it changed nothing.
import type { ModalView } from '@slack/types';
import type { DmType } from '../../alerts/outbox.js';
import type { AlertRow } from '../../alerts/store.js';
import { mrkdwnInline } from '../escape.js';
import { alertIds } from './alert.js';
import { actions, button, cut, type SlackMessage, section, slackDateTime, slackMention, slackTime } from './kit.js';

/** The title without its leading emoji. */
const bareTitle = (title: string) => title.replace(/^[^\p{L}\p{N}*_`]+/u, '');

export function resolveModal(alert: AlertRow, metadata: string, noteMax: number): ModalView {
  return {
    type: 'modal',
    callback_id: alertIds.resolveModal,
    private_metadata: metadata,
    title: { type: 'plain_text', text: 'Resolve alert' },
    submit: { type: 'plain_text', text: 'Resolve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `Resolve *${cut(mrkdwnInline(bareTitle(alert.title)), 200)}* now? Reminders and escalation stop; a later failing run opens a new alert.`,
      ),
      {
        type: 'input',
        block_id: 'note',
        label: { type: 'plain_text', text: 'What fixed it?' },
        element: {
          type: 'plain_text_input',
          action_id: 'note',
          multiline: true,
          max_length: noteMax,
          placeholder: { type: 'plain_text', text: 'e.g. restarted the readiness probe’s database pool' },
        },
      },
    ],
  };
}

const where = (alert: AlertRow, permalink?: string) =>
  permalink ? `<${permalink}|the alert>` : alert.slack_channel ? `the alert in <#${alert.slack_channel}>` : 'the alert';

/** A DM: the acknowledger asked whether they are still on it, or an on-call member paged. */
export function alertDm(alert: AlertRow, type: DmType, permalink: string | undefined): SlackMessage {
  const title = cut(mrkdwnInline(bareTitle(alert.title)), 300);
  if (type === 'escalated') {
    const text = `📣 Nobody has acknowledged *${title}* since ${slackDateTime(alert.open_since ?? alert.first_seen)}: you are on call. Please look at ${where(alert, permalink)}.`;
    return { text, blocks: [section(text)] };
  }
  const text = `⏳ You acknowledged *${title}* at ${alert.acknowledged_at ? slackTime(alert.acknowledged_at) : 'a while ago'}. Are you still on it? Without an answer within the hour it goes back to unacknowledged (${where(alert, permalink)}).`;
  return {
    text,
    blocks: [
      section(text),
      actions(`alert-dm.${alert.id}`, button('Still on it', alertIds.stillOnIt, alert.id, 'primary')),
    ],
  };
}

export function alertEscalatedText(alert: AlertRow, mention: string): string {
  return `📣 ${mention}: nobody has acknowledged this alert since ${slackDateTime(alert.open_since ?? alert.first_seen)}. Whoever picks it up, press *Acknowledge*.`;
}

export function alertLapsedText(alert: AlertRow): string {
  const who = alert.ack_lapsed_by ? slackMention(alert.ack_lapsed_by) : 'The acknowledger';
  return `⌛ ${who} did not confirm within the hour that they are still on it: the alert is unacknowledged again. Press *Acknowledge* when you pick it up.`;
}

export function snoozedAnswer(alert: AlertRow): string {
  return `💤 Snoozed until ${slackDateTime(alert.snoozed_until!)}: reminders and escalation wait until then.`;
}

/** Why a click changed nothing, in the words of the alert's current state. */
export function unchangedAnswer(
  alert: AlertRow | undefined,
  action: 'snooze' | 'unsnooze' | 'confirm' | 'resolve',
): string {
  if (!alert) return 'This alert no longer exists; nothing changed.';
  if (alert.status === 'resolved' && alert.resolved_at)
    return `This alert was already resolved${alert.resolved_by ? ` by ${slackMention(alert.resolved_by)}` : ''} at ${slackTime(alert.resolved_at)}; nothing changed.`;
  if (action === 'snooze' && alert.snoozed_until)
    return `Already snoozed${alert.snoozed_by ? ` by ${slackMention(alert.snoozed_by)}` : ''} until ${slackDateTime(alert.snoozed_until)}; nothing changed. Choose *End snooze* first to change it.`;
  if (action === 'unsnooze') return 'This alert is not snoozed (any more); nothing changed.';
  if (action === 'confirm') {
    if (alert.status === 'open')
      return 'Too late: the acknowledgement lapsed and the alert is unacknowledged again; press *Acknowledge* on it. Nothing changed.';
    if (alert.acknowledged_by && !alert.ack_checked_at && alert.ack_confirmed_at)
      return `Already confirmed at ${slackTime(alert.ack_confirmed_at)}; nothing changed.`;
    return `Only ${alert.acknowledged_by ? slackMention(alert.acknowledged_by) : 'the acknowledger'} can confirm this acknowledgement; nothing changed.`;
  }
  return 'Nothing changed: the alert was changed a moment ago.';
}
