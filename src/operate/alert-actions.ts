// The alert actions as operations, one spec each: Snooze, End snooze, Resolve, Still on it (people, through buttons
// and the modal) and the timers' ask, lapse, escalate and snooze end (the janitor). No role, as for Acknowledge: they
// change only the alert's bookkeeping. Each compare-and-set and its audit event are one transaction.
import { askStillOnIt, confirmStillOnIt, lapseAcknowledgement } from '../alerts/ack-check.js';
import type { AlertChange } from '../alerts/change.js';
import { escalateAlert, type OnCall } from '../alerts/escalate.js';
import type { ObserveDeps } from '../alerts/observe.js';
import { resolveAlert } from '../alerts/resolve.js';
import { endSnooze, snoozeAlert } from '../alerts/snooze.js';
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

type Change = AlertChange<string>;

function alertOperation<R extends Change>(
  action: string,
  alertId: string,
  actor: Actor | undefined,
  params: Record<string, unknown>,
  run: (tx: Db) => Promise<R>,
): OperationSpec<R> {
  return {
    kind: action,
    action,
    trigger: actor ? 'button' : 'cron',
    ...(actor ? { actor } : {}),
    params: { alertId, ...params },
    transaction: true,
    run: (ctx) => run(ctx.tx!),
    keep: (result) => ({ outcome: result.outcome }),
    // A change is `changed`'s name (snoozed, resolved…); a lost race or a second click is `unchanged`.
    verdict: () => 'passed',
    auditOutcome: (result) => result.outcome,
    auditParams: (result) => ('alert' in result ? { key: result.alert.key } : {}),
  };
}

export const snoozeOperation = (alertId: string, actor: Actor, until: Date, choice: string, deps: ObserveDeps) =>
  alertOperation('alert.snooze', alertId, actor, { until: until.toISOString(), choice }, (tx) =>
    snoozeAlert(tx, deps, alertId, actor, until),
  );

/** Without an actor: the clock ended it. */
export const unsnoozeOperation = (alertId: string, actor: Actor | undefined, deps: ObserveDeps) =>
  alertOperation('alert.unsnooze', alertId, actor, {}, (tx) => endSnooze(tx, deps, alertId, !actor));

export const resolveOperation = (alertId: string, actor: Actor, note: string, deps: ObserveDeps) =>
  alertOperation('alert.resolve', alertId, actor, { note }, (tx) => resolveAlert(tx, deps, alertId, actor, note));

export const confirmOperation = (alertId: string, actor: Actor, deps: ObserveDeps) =>
  alertOperation('alert.confirm', alertId, actor, {}, (tx) => confirmStillOnIt(tx, deps, alertId, actor));

export const askOperation = (alertId: string, deps: ObserveDeps) =>
  alertOperation('alert.ask', alertId, undefined, {}, (tx) =>
    askStillOnIt(tx, deps, alertId, deps.config.alerts.ackTimeoutMinutes),
  );

export const lapseOperation = (alertId: string, deps: ObserveDeps) =>
  alertOperation('alert.unacknowledge', alertId, undefined, {}, (tx) => lapseAcknowledgement(tx, deps, alertId));

export const escalateOperation = (alertId: string, onCall: OnCall, deps: ObserveDeps) =>
  alertOperation('alert.escalate', alertId, undefined, { mention: onCall.mention, members: onCall.members }, (tx) =>
    escalateAlert(tx, deps, alertId, deps.config.alerts.escalateMinutes, onCall),
  );
