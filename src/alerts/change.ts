// One state change of an alert as the people's actions and the timers make it: a compare-and-set in SQL that either
// changes the row (and queues its notices in the same transaction) or leaves it, saying how it stands instead.
import type { Db } from '../store/db.js';
import { ALERT_COLUMNS, type AlertRow, findAlert } from './store.js';

export type AlertChange<O extends string> =
  | { outcome: O; alert: AlertRow }
  /** The compare-and-set found the alert in another state (a second click, a timer that lost): nothing changed. */
  | { outcome: 'unchanged'; alert: AlertRow }
  | { outcome: 'unknown' };

/**
 * Runs `update alerts set <set> where id = $1 and <where> returning …`; params continue from $2. With a row back,
 * then() queues its notices and the outcome is `changed`; otherwise the current row says why not.
 */
export async function compareAndSet<O extends string>(
  tx: Db,
  alertId: string,
  change: { set: string; where: string; params: unknown[]; outcome: O },
  then: (alert: AlertRow) => Promise<void>,
): Promise<AlertChange<O>> {
  if (!/^\d{1,18}$/.test(alertId)) return { outcome: 'unknown' };
  const [alert] = await tx.query<AlertRow>(
    `update alerts set ${change.set} where id = $1 and ${change.where} returning ${ALERT_COLUMNS}`,
    [alertId, ...change.params],
  );
  if (alert) {
    await then(alert);
    return { outcome: change.outcome, alert };
  }
  const current = await findAlert(tx, alertId);
  return current ? { outcome: 'unchanged', alert: current } : { outcome: 'unknown' };
}

/** Not snoozed at `at` (the SQL of the timers: reminders, escalation and the acknowledgement check all wait). */
export const NOT_SNOOZED = '(snoozed_until is null or snoozed_until <= $2)';
