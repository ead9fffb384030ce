// /smoke: answers `help` with its usage; the capability itself lands with its own issue.
import type { App } from '@slack/bolt';
import { usageText } from '../src/blocks/help.js';
import type { Deps } from '../src/deps.js';

export function registerSmoke(app: App, deps: Deps): void {
  app.command('/smoke', async ({ command, ack }) => {
    const roles = await deps.roles.rolesOf(command.user_id);
    const problem = /^\s*(help)?\s*$/i.test(command.text) ? undefined : '`/smoke` is not available yet in this version of opsbot.';
    await ack({ response_type: 'ephemeral', text: usageText('/smoke', roles, problem) });
  });
}
