// Every minute: marks runs whose process died as interrupted (and says so on their message), drops drill databases
// left behind, sends alert reminders, runs the alert timers (snooze end, still on it?, escalation), retries the
// outbox. Each task runs even when another one fails.

import { remindAlerts } from '../src/alerts/remind.js';
import type { Deps, Job } from '../src/deps.js';
import { dropLeftoverDrillDatabases } from '../src/drill/ephemeral.js';
import { deliverOutbox } from '../src/publish/alert-delivery.js';
import { runAlertTimers } from '../src/publish/alert-timers.js';
import { interruptStaleRuns } from '../src/store/runs.js';

async function interruptDeadRuns(deps: Deps): Promise<void> {
  for (const run of await interruptStaleRuns(deps.db, deps.config.runs.staleSeconds)) {
    deps.log.warn({ runId: run.id, kind: run.kind }, 'run interrupted');
    if (!run.slack_channel || !run.slack_ts) continue;
    const text = `⚠️ ${run.kind}${run.env ? ` ${run.env}` : ''} was interrupted: opsbot stopped before it finished (run ${run.id}). Run it again.`;
    await deps.chat
      .update({ channel: run.slack_channel, ts: run.slack_ts }, { text })
      .catch((error) => deps.log.warn({ err: error, runId: run.id }, 'could not update the interrupted run message'));
  }
}

// In order: runs are marked before their drill databases count as leftovers; reminders queue replies and emails
// that the delivery right after picks up.
const TASKS: [string, (deps: Deps) => Promise<unknown>][] = [
  ['interrupted runs', interruptDeadRuns],
  ['drill databases', dropLeftoverDrillDatabases],
  ['alert reminders', remindAlerts],
  ['alert timers', runAlertTimers],
  ['outbox delivery', deliverOutbox],
];

export const janitorJob: Job = {
  name: 'janitor',
  defaultSchedule: '* * * * *',
  async run(deps) {
    const failed: string[] = [];
    for (const [name, task] of TASKS) {
      try {
        await task(deps);
      } catch (error) {
        failed.push(name);
        deps.log.error({ err: error, task: name }, 'janitor task failed');
      }
    }
    if (failed.length > 0) throw new Error(`janitor tasks failed: ${failed.join(', ')}`);
  },
};
