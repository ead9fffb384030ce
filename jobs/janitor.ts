// Every minute: marks runs whose process died as interrupted (and says so on their message), retries the outbox.
import { deliverOutbox } from '../src/alerts/deliver.js';
import { remindAlerts } from '../src/alerts/remind.js';
import type { Job } from '../src/deps.js';
import { dropLeftoverDrillDatabases } from '../src/drill/ephemeral.js';
import { interruptStaleRuns } from '../src/store/runs.js';

export const janitorJob: Job = {
  name: 'janitor',
  defaultSchedule: '* * * * *',
  async run(deps) {
    const interrupted = await interruptStaleRuns(deps.db, deps.config.runs.staleSeconds);
    for (const run of interrupted) {
      deps.log.warn({ runId: run.id, kind: run.kind }, 'run interrupted');
      if (run.slack_channel && run.slack_ts) {
        const text = `⚠️ ${run.kind}${run.env ? ` ${run.env}` : ''} was interrupted: opsbot stopped before it finished (run ${run.id}). Run it again.`;
        await deps.chat
          .update({ channel: run.slack_channel, ts: run.slack_ts }, { text })
          .catch((error) =>
            deps.log.warn({ err: error, runId: run.id }, 'could not update the interrupted run message'),
          );
      }
    }
    // After the runs above are marked: drill databases of runs no longer running (a crash, a stop) are dropped.
    await dropLeftoverDrillDatabases(deps);
    // Reminders first: they queue thread replies and emails that the delivery below picks up if they fail now.
    await remindAlerts(deps);
    await deliverOutbox(deps);
  },
};
