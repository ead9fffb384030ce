// The alert DMs: "still on it?" to an acknowledger, a page to each on-call member. conversations.open (im:write),
// then the message. Someone Slack will never let us message is logged and skipped rather than retried for ever.
import type { DmType } from '../alerts/outbox.js';
import type { AlertRow } from '../alerts/store.js';
import type { Deps } from '../deps.js';
import { alertDm } from '../render/blocks/alert-actions.js';
import { slackErrorCode } from '../slack/chat.js';

const UNREACHABLE = new Set(['user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_is_bot', 'account_inactive']);

export async function deliverDm(
  deps: Pick<Deps, 'chat' | 'log'>,
  alert: AlertRow,
  type: DmType,
  user: string,
): Promise<void> {
  // A question nobody needs to answer any more stays unasked: confirmed, lapsed or resolved before it went out.
  if (type === 'ack-check' && (alert.status !== 'acknowledged' || !alert.ack_checked_at)) return;
  if (type === 'escalated' && alert.status !== 'open') return;
  try {
    const channel = await deps.chat.openDm(user);
    const permalink =
      alert.slack_channel && alert.slack_ts
        ? await deps.chat.permalink({ channel: alert.slack_channel, ts: alert.slack_ts })
        : undefined;
    await deps.chat.post(channel, alertDm(alert, type, permalink));
  } catch (error) {
    const code = slackErrorCode(error);
    if (!UNREACHABLE.has(code)) throw error;
    deps.log.warn({ alertId: alert.id, user, type, reason: code }, 'alert DM skipped: Slack will not deliver it');
  }
}
