// Every slash command invocation appends one audit event before its listener runs, help included. When the event
// cannot be written, the person hears so at once and nothing runs: no command goes unrecorded.
import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { AUDIT_UNAVAILABLE } from '../store/audit.js';

export function auditCommandInvocations(app: App, deps: Pick<Deps, 'audit' | 'log'>): void {
  app.use(async (args) => {
    const command = args.body as { command?: string; text?: string; user_id?: string; channel_id?: string };
    if (typeof command.command === 'string' && command.user_id) {
      try {
        // Awaited on the audit log's own connection: its short timeouts keep this well inside Slack's 3 s.
        await deps.audit.record({
          action: 'command.invoke',
          actor: { user: command.user_id, channel: command.channel_id },
          params: { command: command.command, text: command.text ?? '' },
          outcome: 'received',
        });
      } catch (error) {
        deps.log.error({ err: error, command: command.command }, 'could not audit a command: refused it');
        const { ack } = args as { ack?: (answer: unknown) => Promise<void> };
        await ack?.({ response_type: 'ephemeral', text: AUDIT_UNAVAILABLE });
        return;
      }
    }
    await args.next();
  });
}
