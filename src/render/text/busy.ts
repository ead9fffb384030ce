// "A drill of staging is already running: started by …": what someone who finds an environment's lock held reads.
import type { LockHolder } from '../../coord/coord.js';

/** "A drill of staging is already running: started by U123 at 14:02 UTC." mention renders the user. */
export function busyText(env: string, holder: LockHolder | null, mention: (user: string) => string = (u) => u): string {
  const owner = (holder?.owner ?? {}) as { kind?: string; user?: string; trigger?: string };
  const what = owner.kind === 'backup' ? 'A backup' : 'A drill';
  const by = owner.user
    ? ` by ${mention(owner.user)}`
    : owner.trigger === 'cron'
      ? ' by the schedule'
      : owner.trigger === 'cli'
        ? ' from the command line'
        : '';
  const at = holder ? ` at ${holder.acquiredAt.slice(11, 16)} UTC` : '';
  return `${what} of ${env} is already running: started${by}${at}. Wait for it to finish, then try again.`;
}
