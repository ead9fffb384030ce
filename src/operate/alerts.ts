// Acknowledge as an operation: no role (whoever sees the alert channel responds to alerts), the compare-and-set and
// `alert.acknowledge` in one transaction, then the message is updated.
import { type AcknowledgeResult, acknowledgeAlert } from '../alerts/acknowledge.js';
import type { ObserveDeps } from '../alerts/observe.js';
import type { Actor } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

export function acknowledgeOperation(
  alertId: string,
  actor: Actor,
  deps: ObserveDeps,
): OperationSpec<AcknowledgeResult> {
  return {
    kind: 'alert.acknowledge',
    action: 'alert.acknowledge',
    trigger: 'button',
    actor,
    params: { alertId },
    transaction: true,
    run: (ctx) => acknowledgeAlert(ctx.tx!, deps, alertId, actor),
    keep: (result) => ({ outcome: result.outcome }),
    auditOutcome: (result) => result.outcome,
    auditParams: (result) => (result.outcome === 'unknown' ? {} : { key: result.alert.key }),
  };
}
