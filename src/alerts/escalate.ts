// Escalation: an alert nobody acknowledged (nor snoozed) for ALERT_ESCALATE_MINUTES mentions the on-call group in its
// thread and DMs each member, once per unacknowledged spell (a lapsed acknowledgement starts a new one).
import type { Db } from '../store/db.js';
import { minutesBefore } from './ack-check.js';
import { type AlertChange, compareAndSet, NOT_SNOOZED } from './change.js';
import { enqueueNotices, type ObserveDeps } from './observe.js';
import { enqueue } from './outbox.js';

export interface OnCall {
  /** How the thread reply mentions them: `<!subteam^S…>`, `<@U…>`, or the handle as text when Slack could not say. */
  mention: string;
  /** Who gets a DM. */
  members: string[];
}

export function escalateAlert(
  tx: Db,
  deps: ObserveDeps,
  alertId: string,
  afterMinutes: number,
  onCall: OnCall,
): Promise<AlertChange<'escalated'>> {
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      set: 'escalated_at = $2',
      where: `status = 'open' and escalated_at is null and coalesce(open_since, first_seen) <= $3 and ${NOT_SNOOZED}`,
      params: [at, minutesBefore(at, afterMinutes)],
      outcome: 'escalated',
    },
    async (alert) => {
      await enqueueNotices(tx, deps, alert, 'escalated', at, true, onCall.mention);
      for (const user of onCall.members) await enqueue(tx, { kind: 'alert.dm', alertId, type: 'escalated', user }, at);
    },
  );
}
