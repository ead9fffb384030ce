// Acknowledge: someone has picked the alert up. Compare-and-set, so a second click, or a resolution committed a
// moment earlier, leaves the alert as it is.
import type { Deps } from '../deps.js';
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { deliverNow, enqueueNotices, type ObserveDeps } from './observe.js';
import { ALERT_COLUMNS, type AlertRow, findAlert } from './store.js';

export type AcknowledgeResult =
  | { outcome: 'acknowledged'; alert: AlertRow }
  /** Already acknowledged or resolved: nothing changed. */
  | { outcome: 'unchanged'; alert: AlertRow }
  | { outcome: 'unknown' };

/** Audited (`alert.acknowledge`) when it changes the alert, before the message is updated. */
export async function acknowledgeAlert(
  deps: ObserveDeps & Pick<Deps, 'audit'>,
  alertId: string,
  actor: Actor,
): Promise<AcknowledgeResult> {
  if (!/^\d{1,18}$/.test(alertId)) return { outcome: 'unknown' };
  const at = deps.now();
  const result = await deps.db.transaction(async (tx: Db): Promise<AcknowledgeResult> => {
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
  });
  if (result.outcome === 'acknowledged') {
    const { key } = result.alert;
    await deps.audit.append({ action: 'alert.acknowledge', actor, params: { alertId, key }, outcome: 'acknowledged' });
    deps.log.info({ alertId, key, user: actor.user }, 'alert acknowledged');
    await deliverNow(deps, alertId);
  }
  return result;
}
