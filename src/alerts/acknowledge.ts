// Acknowledge: someone has picked the alert up. Compare-and-set inside the caller's transaction (where the pipeline
// writes `alert.acknowledge`), so a second click, or a resolution committed a moment earlier, leaves it as it is.
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { enqueueNotices, type ObserveDeps } from './observe.js';
import { ALERT_COLUMNS, type AlertRow, findAlert } from './store.js';

export type AcknowledgeResult =
  | { outcome: 'acknowledged'; alert: AlertRow }
  /** Already acknowledged or resolved: nothing changed. */
  | { outcome: 'unchanged'; alert: AlertRow }
  | { outcome: 'unknown' };

export async function acknowledgeAlert(
  tx: Db,
  deps: ObserveDeps,
  alertId: string,
  actor: Actor,
): Promise<AcknowledgeResult> {
  if (!/^\d{1,18}$/.test(alertId)) return { outcome: 'unknown' };
  const at = deps.now();
  const [alert] = await tx.query<AlertRow>(
    `update alerts set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3
      where id = $1 and status = 'open' returning ${ALERT_COLUMNS}`,
    [alertId, actor.user, at],
  );
  if (alert) {
    await enqueueNotices(tx, deps, alert, 'changed', at);
    return { outcome: 'acknowledged', alert };
  }
  const current = await findAlert(tx, alertId);
  return current ? { outcome: 'unchanged', alert: current } : { outcome: 'unknown' };
}
