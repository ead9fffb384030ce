// /opsbot [help|status]: one entry point that lists the commands the caller may run, or the App Home's summary as a
// message. An @-mention of the bot answers with the same help, in the mention's thread.
import type { Deps } from '../src/deps.js';
import { homeSummary } from '../src/home/summary.js';
import { homeLinks, type NextRuns } from '../src/publish/home.js';
import { opsbotHelpText } from '../src/render/blocks/help.js';
import { homeStatusMessage } from '../src/render/blocks/home.js';
import { mrkdwnCode } from '../src/render/escape.js';
import type { Surfaces } from '../src/slack/router.js';

type Parsed = { action: 'help' | 'status' } | { problem: string };

/** Pure: what `/opsbot <text>` asks for, or what was wrong with it. */
export function parseOpsbotText(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && /^(help|-h|--help)$/i.test(words[0]!))) return { action: 'help' };
  if (words.length === 1 && words[0]!.toLowerCase() === 'status') return { action: 'status' };
  return {
    problem: `${mrkdwnCode(`/opsbot ${text.trim()}`)} is not something opsbot does: use \`/opsbot help\` or \`/opsbot status\`. What you may run:`,
  };
}

export function registerOpsbot(app: Surfaces, deps: Deps, nextRuns: NextRuns): void {
  app.command('/opsbot', async ({ command, ack, respond }) => {
    const parsed = parseOpsbotText(command.text);
    // Help comes before ack, so only roles known without waiting for the group directory count.
    if ('problem' in parsed || parsed.action === 'help') {
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({
        response_type: 'ephemeral',
        text: opsbotHelpText(roles, 'problem' in parsed ? parsed.problem : undefined),
      });
    }
    await ack({ response_type: 'ephemeral', text: 'Gathering the status…' });
    const summary = await homeSummary(deps, command.user_id, nextRuns());
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...homeStatusMessage(summary, await homeLinks(deps, summary)),
    });
  });

  app.event('app_mention', async ({ event }) => {
    if (!event.user) return;
    const roles = await deps.roles.rolesOf(event.user);
    await deps.chat.post(event.channel, { text: opsbotHelpText(roles) }, event.thread_ts ?? event.ts);
  });
}
