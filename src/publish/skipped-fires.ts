// Fires that did not run: logged and counted per job; SCHEDULER_SKIP_ALERT_AFTER in a row raise `scheduler:<job>`
// through the alert lifecycle, and the next fire that runs resolves it.
import { observeAlert } from '../alerts/observe.js';
import type { Deps } from '../deps.js';
import { skippedFiresObservation } from '../render/text/scheduler.js';

export type FireOutcome = { status: 'passed' | 'error' | 'skipped'; reason?: string };

export function skippedFires(deps: Deps) {
  const threshold = deps.config.alerts.skippedFires;
  const streaks = new Map<string, number>();
  const observe = (job: string, failing: boolean, skipped: number, reason: string) =>
    observeAlert(deps, {
      ...skippedFiresObservation(job, skipped, reason),
      failing,
      failureThreshold: threshold,
    }).catch((error) =>
      deps.log.warn({ err: error, job }, 'could not record the skipped fire with the alert lifecycle'),
    );
  return {
    record(job: string, outcome: FireOutcome): void {
      if (outcome.status !== 'skipped') {
        // Only a job this replica saw skipping can have an alert to resolve from here; others resolve their own.
        if (streaks.has(job)) void observe(job, false, 0, '');
        streaks.delete(job);
        return;
      }
      const reason = outcome.reason ?? 'the job lock is held by another run';
      const skipped = (streaks.get(job) ?? 0) + 1;
      streaks.set(job, skipped);
      deps.metrics.skippedFires.inc({ job, reason: outcome.reason ? 'coordinator' : 'locked' });
      deps.log.warn({ job, skipped, reason }, 'scheduled fire skipped');
      void observe(job, true, skipped, reason);
    },
  };
}
