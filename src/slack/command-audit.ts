// Every slash command invocation appends one audit event, whatever its listener then does.
import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';

export function auditCommandInvocations(app: App, deps: Pick<Deps, 'audit' | 'log'>): void {
  app.use(async ({ body, next }) => {
    const command = body as { command?: string; text?: string; user_id?: string; channel_id?: string };
    if (typeof command.command === 'string' && command.user_id) {
      // Not awaited: the listener's ack must not wait for the audit write (Slack gives 3 s in all).
      deps.audit
        .append({
          action: 'command.invoke',
          actor: { user: command.user_id, channel: command.channel_id },
          params: { command: command.command, text: command.text ?? '' },
          outcome: 'received',
        })
        .catch((error) => deps.log.error({ err: error, command: command.command }, 'could not audit a command'));
    }
    await next();
  });
}
