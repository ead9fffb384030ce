// Every 6 hours (the runbook's schedule): every configured environment, each run through the alert lifecycle.
import { observeAlert } from '../src/alerts/observe.js';
import type { Environment } from '../src/config.js';
import type { Deps, Job } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { smokeOperation } from '../src/operate/smoke.js';
import { smokeObservation } from '../src/render/alerts/smoke.js';
import { smokeProblem } from '../src/smoke/check.js';
import { inMaintenance } from '../src/uptime/maintenance.js';

async function smokeOne(deps: Deps, env: Environment): Promise<void> {
  const checked = await operate(deps, smokeOperation(env, { trigger: 'cron' }, deps));
  if (checked.outcome !== 'done') rethrow(checked);
  const { report } = checked;
  const runId = checked.runId ?? '';
  if (await inMaintenance(deps.db, env.name, deps.now())) {
    deps.log.info({ runId, env: env.name, verdict: report.verdict }, 'smoke finished in maintenance: alert held');
    return;
  }
  const outcome = await observeAlert(deps, smokeObservation(report, runId, deps.config.alerts.serviceName));
  deps.log.info(
    { runId, env: env.name, verdict: report.verdict, ms: report.durationMs, alert: outcome },
    'smoke finished',
  );
}

export const smokeJob: Job = {
  name: 'smoke',
  defaultSchedule: '0 */6 * * *',
  async run(deps) {
    const checkable = deps.config.environments.filter((env) => {
      const problem = smokeProblem(env);
      if (problem) deps.log.warn({ env: env.name }, 'scheduled smoke skipped: the environment has no base URL');
      return !problem;
    });
    // One environment's fault does not keep the others from being checked and alerted on.
    const results = await Promise.allSettled(checkable.map((env) => smokeOne(deps, env)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length)
      throw new AggregateError(
        failed.map((r) => r.reason),
        `smoke failed for ${failed.length} environment(s)`,
      );
  },
};
