// The scheduled backup and drill: one operation per environment of BACKUP_ENVIRONMENTS, one after the other, each
// reported to the alert lifecycle (`backup:<env>`, `drill:<env>`); what cannot even start is an alert too.
import { observeAlert } from '../alerts/observe.js';
import type { Deps } from '../deps.js';
import { backupOperation, drillOperation } from '../operate/drill.js';
import { operate } from '../operate/operate.js';
import { maskSecrets } from '../redact.js';
import { backupObservation, drillObservation, refusedObservation } from '../render/alerts/drill.js';
import { busyText } from '../render/text/busy.js';
import { type DrillTarget, resolveTarget } from '../targets/target.js';

// A monthly drill of a big database may hold the environment's lock for a while (and the nightly backup at 09:00 may
// still run at 09:30): wait rather than skip.
const LOCK_WAIT_MS = 60 * 60_000;

type Kind = 'backup' | 'drill';

function start(deps: Deps, kind: Kind, target: DrillTarget) {
  const run = { trigger: 'cron' as const, waitMs: LOCK_WAIT_MS };
  return kind === 'backup'
    ? operate(deps, backupOperation(target, run, deps))
    : operate(deps, drillOperation(target, run, deps));
}

async function runOne(deps: Deps, kind: Kind, name: string): Promise<void> {
  const service = deps.config.alerts.serviceName;
  const refused = (reason: string) => observeAlert(deps, refusedObservation(kind, name, reason, service));
  const resolved = resolveTarget(name, deps.config);
  if (!resolved.ok) {
    deps.log.warn({ env: name, kind }, 'scheduled run cannot start: configuration problem');
    await refused(resolved.problem);
    return;
  }
  const outcome = await start(deps, kind, resolved.target);
  if (outcome.outcome === 'busy') return void (await refused(busyText(name, outcome.holder)));
  if (outcome.outcome === 'refused') return void (await refused(outcome.reason));
  if (outcome.outcome !== 'done') {
    await refused(`opsbot failed: ${maskSecrets(outcome.error)}`);
    throw outcome.outcome === 'failed' ? outcome.cause : new Error(outcome.error);
  }
  const { report } = outcome;
  const runId = outcome.runId ?? '';
  const observation =
    report.kind === 'drill' ? drillObservation(report, runId, service) : backupObservation(report, runId, service);
  const alert = await observeAlert(deps, observation);
  deps.log.info({ env: name, kind, runId, verdict: report.verdict, alert }, 'scheduled run finished');
}

/** Runs kind for every environment of BACKUP_ENVIRONMENTS; one failing does not stop the others. */
export async function runForEachEnvironment(deps: Deps, kind: Kind): Promise<void> {
  const failed: unknown[] = [];
  // One after the other: each backup already uses every core, and the source servers may be shared.
  for (const name of deps.config.backup.environments)
    await runOne(deps, kind, name).catch((error) => failed.push(error));
  if (failed.length) throw new AggregateError(failed, `${kind} failed for ${failed.length} environment(s)`);
}
