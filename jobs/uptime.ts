// Every 5 minutes: one uptime round per environment with a base URL, stored once across replicas, its verdict sent
// through the alert lifecycle (`uptime:<env>`) unless the environment is in maintenance, the outage's GitHub issue
// kept up to date, and the figures rolled up.
import { observeAlert } from '../src/alerts/observe.js';
import type { Environment } from '../src/config.js';
import type { Deps, Job } from '../src/deps.js';
import { closeOutageIssue, followOutage } from '../src/publish/downtime-issue.js';
import { maskUrl } from '../src/redact.js';
import { uptimeObservation } from '../src/render/alerts/uptime.js';
import { smokeProblem } from '../src/smoke/check.js';
import { inMaintenance } from '../src/uptime/maintenance.js';
import { endOutage, openOutage } from '../src/uptime/outage.js';
import { checkRound } from '../src/uptime/round.js';
import { previousRound, recordRound, rollUp } from '../src/uptime/store.js';

async function uptimeOne(deps: Deps, env: Environment): Promise<void> {
  const round = await checkRound(env, deps);
  const held = await inMaintenance(deps.db, env.name, round.at);
  const previous = await previousRound(deps.db, env.name, round.at);
  // Another replica took this round: it alone observes it.
  if (!(await recordRound(deps.db, round, held))) return;
  const log = deps.log.child({ env: env.name, up: round.up });
  if (held) {
    log.info('uptime round in maintenance: alerts held, sample left out of the SLO');
  } else {
    // A failure that outlasts a window alerts the moment the window is over, not a threshold of rounds later.
    const outlasted = !round.up && previous?.in_maintenance === true && !previous.up;
    const baseUrl = maskUrl(env.baseUrl ?? '');
    const observation = uptimeObservation(round, baseUrl, deps.config.alerts.serviceName, outlasted ? 1 : undefined);
    const outcome = await observeAlert(deps, observation);
    const reasons = round.samples.filter((s) => !s.ok).map((s) => `${s.path}: ${s.reason ?? 'failed'}`);
    if (outcome === 'opened' || outcome === 'updated') {
      const [alert] = await deps.db.query<{ id: string; first_seen: Date }>(
        `select id::text as id, first_seen from alerts where key = $1 and status <> 'resolved'`,
        [observation.key],
      );
      const outage = await openOutage(deps.db, env.name, new Date(alert?.first_seen ?? round.at), alert?.id);
      await followOutage(deps, outage, reasons, baseUrl, round.at);
    } else if (outcome === 'resolved' || (round.up && outcome === 'quiet')) {
      // quiet: up again after someone resolved the alert by hand; the outage still ends here, with its issue.
      const ended = await endOutage(deps.db, env.name, round.at);
      if (ended) await closeOutageIssue(deps, ended);
    }
    log.info({ alert: outcome, ms: round.latencyMs }, 'uptime round');
  }
  await rollUp(deps.db, env.name, round.at, deps.config.uptime.retentionDays);
}

export const uptimeJob: Job = {
  name: 'uptime',
  defaultSchedule: '*/5 * * * *',
  async run(deps) {
    const checkable = deps.config.environments.filter((env) => !smokeProblem(env));
    const results = await Promise.allSettled(checkable.map((env) => uptimeOne(deps, env)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length)
      throw new AggregateError(
        failed.map((r) => r.reason),
        `uptime failed for ${failed.length} environment(s)`,
      );
  },
};
