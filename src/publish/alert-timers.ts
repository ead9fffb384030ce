// The alert timers, run by the janitor (one replica per minute): snoozes that ended, acknowledgements nobody
// confirmed within the hour, acknowledgements old enough to ask about, and escalation of unacknowledged alerts.
// Each change is its own operation (compare-and-set + audit event); the janitor's outbox pass sends what they queue.
import type { AlertChange } from '../alerts/change.js';
import type { OnCall } from '../alerts/escalate.js';
import { dueTimers } from '../alerts/timers.js';
import type { Deps } from '../deps.js';
import { askOperation, escalateOperation, lapseOperation, unsnoozeOperation } from '../operate/alert-actions.js';
import { type OperationSpec, operate, rethrow } from '../operate/operate.js';
import { mrkdwnCode } from '../render/escape.js';

export async function runAlertTimers(deps: Deps): Promise<number> {
  const { ackTimeoutMinutes, escalateMinutes, oncallGroup } = deps.config.alerts;
  const due = await dueTimers(deps.db, deps.now(), {
    ackTimeoutMinutes,
    escalateMinutes,
    escalation: Boolean(oncallGroup),
  });
  let changed = 0;
  const run = async <O extends string>(spec: OperationSpec<AlertChange<O>>) => {
    const outcome = await operate(deps, spec);
    if (outcome.outcome !== 'done') rethrow(outcome);
    const report = outcome.report;
    if (report.outcome !== 'unchanged' && 'alert' in report) {
      changed += 1;
      deps.log.info({ alertId: report.alert.id, key: report.alert.key, change: report.outcome }, 'alert timer');
    }
  };
  for (const id of due.snoozeEnds) await run(unsnoozeOperation(id, undefined, deps));
  for (const id of due.lapses) await run(lapseOperation(id, deps));
  for (const id of due.ackChecks) await run(askOperation(id, deps));
  if (due.escalations.length > 0 && oncallGroup) {
    const onCall = await resolveOnCall(deps, oncallGroup);
    if (onCall) for (const id of due.escalations) await run(escalateOperation(id, onCall, deps));
  }
  return changed;
}

/**
 * The on-call group's mention and members, as the role variables resolve groups. Slack unreachable: undefined, and
 * the escalation waits for the next pass; a group Slack does not know is mentioned by its handle, with no DMs.
 */
async function resolveOnCall(deps: Pick<Deps, 'chat' | 'log'>, entry: string): Promise<OnCall | undefined> {
  if (/^[UW][A-Z0-9]+$/.test(entry)) return { mention: `<@${entry}>`, members: [entry] };
  try {
    const id = await deps.chat.groupId(entry);
    if (!id) {
      deps.log.warn({ group: entry }, 'ALERT_ONCALL_GROUP names no user group Slack knows: mentioned as text, no DMs');
      return { mention: mrkdwnCode(entry), members: [] };
    }
    return { mention: `<!subteam^${id}>`, members: await deps.chat.members(id) };
  } catch (error) {
    deps.log.warn({ err: error, group: entry }, 'could not look up the on-call group; escalation waits');
    return undefined;
  }
}
