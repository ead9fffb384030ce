// Nightly at 09:00 UTC: a backup of every environment in BACKUP_ENVIRONMENTS; a failure opens `backup:<env>` at once.

import { observeAlert } from '../src/alerts/observe.js';
import type { Deps, Job } from '../src/deps.js';
import { backupObservation, refusedObservation } from '../src/drill/alert.js';
import { backupUnderLock, busyText } from '../src/drill/session.js';
import { maskSecrets } from '../src/redact.js';
import { resolveTarget } from '../src/targets/target.js';

// A monthly drill of a big database may hold the environment's lock for a while: wait rather than skip a night.
const LOCK_WAIT_MS = 60 * 60_000;

async function backupOne(deps: Deps, name: string): Promise<void> {
  const resolved = resolveTarget(name, deps.config);
  const service = deps.config.alerts.serviceName;
  if (!resolved.ok) {
    deps.log.warn({ env: name }, 'scheduled backup cannot run: configuration problem');
    await observeAlert(deps, refusedObservation('backup', name, resolved.problem, service));
    return;
  }
  try {
    const session = await backupUnderLock(resolved.target, deps, { trigger: 'cron', waitMs: LOCK_WAIT_MS });
    if (!session.ok) {
      await observeAlert(deps, refusedObservation('backup', name, busyText(name, session.holder), service));
      return;
    }
    const outcome = await observeAlert(deps, backupObservation(session.report, session.runId, service));
    deps.log.info(
      { env: name, runId: session.runId, verdict: session.report.verdict, alert: outcome },
      'scheduled backup finished',
    );
  } catch (error) {
    await observeAlert(
      deps,
      refusedObservation('backup', name, `opsbot failed: ${maskSecrets((error as Error).message)}`, service),
    );
    throw error;
  }
}

export const backupJob: Job = {
  name: 'backup',
  defaultSchedule: '0 9 * * *',
  async run(deps) {
    const failed: unknown[] = [];
    // One after the other: each backup already uses every core, and the source servers may be shared.
    for (const name of deps.config.backup.environments)
      await backupOne(deps, name).catch((error) => failed.push(error));
    if (failed.length) throw new AggregateError(failed, `backup failed for ${failed.length} environment(s)`);
  },
};
