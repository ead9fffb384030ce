// Acknowledge: someone has picked the alert up. Compare-and-set, so a second click, or a resolution committed a
// moment earlier, leaves the alert as it is.
import type { Db } from '../store/db.js';
import { deliverNow, enqueueNotices, type ObserveDeps } from './observe.js';
import { ALERT_COLUMNS, type AlertRow, findAlert } from './store.js';

export type AcknowledgeResult =
  | { outcome: 'acknowledged'; alert: AlertRow }
  /** Already acknowledged or resolved: nothing changed. */
  | { outcome: 'unchanged'; alert: AlertRow }
  | { outcome: 'unknown' };

export async function acknowledgeAlert(deps: ObserveDeps, alertId: string, user: string): Promise<AcknowledgeResult> {
  if (!/^\d{1,18}$/.test(alertId)) return { outcome: 'unknown' };
  const at = deps.now();
  const result = await deps.db.transaction(async (tx: Db): Promise<AcknowledgeResult> => {
    const [alert] = await tx.query<AlertRow>(
      `update alerts set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3
        where id = $1 and status = 'open' returning ${ALERT_COLUMNS}`,
      [alertId, user, at],
    );
    if (alert) {
      await enqueueNotices(tx, deps, alert, 'changed', at);
      return { outcome: 'acknowledged', alert };
    }
    const current = await findAlert(tx, alertId);
    return current ? { outcome: 'unchanged', alert: current } : { outcome: 'unknown' };
  });
  if (result.outcome === 'acknowledged') await deliverNow(deps, alertId);
  return result;
}
