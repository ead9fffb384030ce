// Monthly on the 1st at 09:30 UTC: a restore drill of every environment in BACKUP_ENVIRONMENTS, each through the alert
// lifecycle (`drill:<env>`: opened by the first failure, resolved by the next pass).

import { observeAlert } from '../src/alerts/observe.js';
import type { Deps, Job } from '../src/deps.js';
import { drillObservation, refusedObservation } from '../src/drill/alert.js';
import { busyText, drillUnderLock } from '../src/drill/session.js';
import { maskSecrets } from '../src/redact.js';
import { resolveTarget } from '../src/targets/target.js';

// The nightly backup at 09:00 may still run at 09:30 on a big database: wait for it, then drill what it took.
const LOCK_WAIT_MS = 60 * 60_000;

async function drillOne(deps: Deps, name: string): Promise<void> {
  const resolved = resolveTarget(name, deps.config);
  const service = deps.config.alerts.serviceName;
  if (!resolved.ok) {
    deps.log.warn({ env: name }, 'scheduled drill cannot run: configuration problem');
    await observeAlert(deps, refusedObservation('drill', name, resolved.problem, service));
    return;
  }
  try {
    const session = await drillUnderLock(resolved.target, deps, { trigger: 'cron', waitMs: LOCK_WAIT_MS });
    if (!session.ok) {
      await observeAlert(deps, refusedObservation('drill', name, busyText(name, session.holder), service));
      return;
    }
    const outcome = await observeAlert(deps, drillObservation(session.report, session.runId, service));
    deps.log.info(
      { env: name, runId: session.runId, verdict: session.report.verdict, alert: outcome },
      'scheduled drill finished',
    );
  } catch (error) {
    await observeAlert(
      deps,
      refusedObservation('drill', name, `opsbot failed: ${maskSecrets((error as Error).message)}`, service),
    );
    throw error;
  }
}

export const drillJob: Job = {
  name: 'drill',
  defaultSchedule: '30 9 1 * *',
  async run(deps) {
    const failed: unknown[] = [];
    for (const name of deps.config.backup.environments) await drillOne(deps, name).catch((error) => failed.push(error));
    if (failed.length) throw new AggregateError(failed, `drill failed for ${failed.length} environment(s)`);
  },
};
