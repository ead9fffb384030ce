// Reminders: an open alert nobody acknowledged for ALERT_RENOTIFY_MINUTES gets a thread reply and an email; a
// snoozed one waits for the end of its snooze.
import { deliverNow, enqueueNotices, type ObserveDeps } from './observe.js';
import { ALERT_COLUMNS, type AlertRow } from './store.js';

/** Sends the reminders that are due; returns how many. Claimed by compare-and-set, so one replica sends each. */
export async function remindAlerts(deps: ObserveDeps): Promise<number> {
  const at = deps.now();
  const dueBefore = new Date(at.getTime() - deps.config.alerts.renotifyMinutes * 60_000);
  const due = await deps.db.transaction(async (tx) => {
    const rows = await tx.query<AlertRow>(
      `update alerts set last_notified_at = $1,
          details = jsonb_set(details, '{reminders}', to_jsonb(coalesce((details->>'reminders')::int, 0) + 1))
        where status = 'open' and coalesce(last_notified_at, first_seen) <= $2
          and (snoozed_until is null or snoozed_until <= $1) returning ${ALERT_COLUMNS}`,
      [at, dueBefore],
    );
    for (const alert of rows) await enqueueNotices(tx, deps, alert, 'reminder', at, true);
    return rows;
  });
  for (const alert of due) {
    deps.log.info({ alertId: alert.id, key: alert.key }, 'alert reminder sent');
    await deliverNow(deps, alert.id);
  }
  return due.length;
}
