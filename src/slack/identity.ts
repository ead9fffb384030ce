// Who the bot is (auth.test), asked once and remembered, for Bolt's authorize and the start-up log.
import type { Authorize } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { slackErrorCode } from './chat.js';

export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  /** The bot's workspace: only its members may sign in to the report pages. */
  teamId?: string;
}

/**
 * Bolt's default either calls auth.test at construction, where a failure is an unhandled rejection that ends the
 * process, or on every request. This asks once; a failure is logged and asked again on the next request, and the
 * request still goes on with the bot token (posting works or fails on its own).
 */
export function botIdentity(
  client: WebClient,
  token: string,
  log: Logger,
): { identify(): Promise<BotIdentity>; authorize: Authorize<boolean> } {
  let known: Promise<BotIdentity> | undefined;
  const identify = () => {
    known ??= client.auth.test().then(
      (result) => {
        log.info({ botUser: result.user_id, team: result.team }, 'slack token accepted');
        return { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id };
      },
      (error) => {
        known = undefined;
        log.error({ reason: slackErrorCode(error) }, 'slack did not accept SLACK_BOT_TOKEN (or is unreachable)');
        return {};
      },
    );
    return known;
  };
  return { identify, authorize: async () => ({ botToken: token, ...(await identify()) }) };
}
