// What a person reads when a change is done but posting about it afterwards failed: the change stands, and they
// learn where the message or the files are and how to let opsbot post there next time.
import { mrkdwnCode } from '../escape.js';

export interface Undelivered {
  /** What could not be posted, as a sentence subject: "The evidence files". */
  what: string;
  channel: string;
  /** not-in-channel, or Slack's error code. */
  reason: string;
  /** Where to get it instead: "run `r_7Hk2` keeps the report (`opsbot …`)". */
  where: string;
}

const channelMention = (channel: string) => (/^[CG][A-Z0-9_]+$/.test(channel) ? `<#${channel}>` : mrkdwnCode(channel));

/** One line, after the success it belongs to. */
export function undeliveredNote({ what, channel, reason, where }: Undelivered): string {
  const at = channelMention(channel);
  if (reason === 'not-in-channel')
    return `⚠️ ${what} could not be posted: opsbot is not in ${at} and cannot join it (a private channel). Invite @opsbot to ${at} (\`/invite @opsbot\`); meanwhile ${where}.`;
  return `⚠️ ${what} could not be posted in ${at} (Slack answered ${mrkdwnCode(reason)}); ${where}.`;
}
