// One smoke check of an environment at a time across replicas: the first asker holds `smoke:<env>` and publishes its
// run id under `smoke:<env>:run`; askers on any replica that find the lock held wait for that run's stored report.
import { setTimeout as delay } from 'node:timers/promises';
import type { Config, Environment } from '../config.js';
import { withLock } from '../coord/coord.js';
import type { Deps } from '../deps.js';
import { checkEnvironment, type SmokeReport } from './check.js';

export type SharedRunDeps = Pick<Deps, 'config' | 'fetch' | 'now' | 'coord' | 'runs' | 'log'>;

const POLL_MS = 200;
// Beyond the checks' own limit: the run record's writes around them and a slow Redis or Postgres.
const MARGIN_MS = 15_000;

/** The longest a check of one environment lasts: every attempt of its slowest path timing out, plus the margin. */
export function smokeLockTtlMs(smoke: Config['smoke']): number {
  return smoke.timeoutMs * (smoke.retries + 1) + MARGIN_MS;
}

export const smokeKeys = (env: string) => ({ lock: `smoke:${env}`, run: `smoke:${env}:run` });

/** Checks env with runId published for joiners (held only by the holder of the environment's lock). */
export async function checkPublished(env: Environment, runId: string, user: string | undefined, deps: SharedRunDeps) {
  const ttlMs = smokeLockTtlMs(deps.config.smoke);
  const published = await withLock(
    deps.coord,
    smokeKeys(env.name).run,
    { runId, user },
    () => checkEnvironment(env, deps),
    ttlMs,
  );
  // Held only if a crashed holder's copy has not expired yet: check all the same.
  return published.ok ? published.value : checkEnvironment(env, deps);
}

/** The finished run of the lock's holder, or undefined when it ended without a report, vanished or overran. */
export async function waitForRun(
  env: string,
  deps: SharedRunDeps,
): Promise<{ runId: string; report: SmokeReport } | undefined> {
  const keys = smokeKeys(env);
  // Real time, not deps.now: a test's frozen clock must not keep a joiner waiting forever.
  const deadline = performance.now() + smokeLockTtlMs(deps.config.smoke);
  let runId: string | undefined;
  while (performance.now() < deadline) {
    // Read before the run: the holder records its run as finished before releasing, so no lock and an unfinished
    // run means the holder went away.
    const held = await deps.coord.lockHolder(keys.lock);
    if (!runId) {
      const published = (await deps.coord.lockHolder(keys.run))?.owner.runId;
      runId = typeof published === 'string' ? published : undefined;
    }
    const run = runId ? await deps.runs.get(runId) : undefined;
    if (runId && run && run.status !== 'running') {
      const reported = (run.status === 'passed' || run.status === 'failed') && run.report;
      return reported ? { runId, report: run.report as SmokeReport } : undefined;
    }
    if (!held) return undefined;
    await delay(POLL_MS);
  }
  return undefined;
}
