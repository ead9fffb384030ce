// One smoke check of an environment at a time across replicas: the first asker takes a lock and runs it; askers on
// any replica that find the lock held wait for that run to finish and share its stored report.
import { setTimeout as delay } from 'node:timers/promises';
import type { Config, Environment } from '../config.js';
import { withLock } from '../coord/coord.js';
import type { Deps } from '../deps.js';
import type { Actor } from '../store/runs.js';
import { checkEnvironment, type SmokeReport } from './check.js';

export type SharedRunDeps = Pick<Deps, 'config' | 'fetch' | 'now' | 'coord' | 'runs' | 'log'>;
export interface SharedRun {
  runId: string;
  report: SmokeReport;
  /** Set when this asker joined a run started elsewhere (another replica): who started it. */
  joinedUser?: string;
}

const POLL_MS = 200;
// Beyond the checks' own limit: the run record's writes around them and a slow Redis or Postgres.
const MARGIN_MS = 15_000;

/** The longest a check of one environment lasts: every attempt of its slowest path timing out, plus the margin. */
export function smokeLockTtlMs(smoke: Config['smoke']): number {
  return smoke.timeoutMs * (smoke.retries + 1) + MARGIN_MS;
}

/**
 * Runs env's check under the lock `smoke:<env>`, or joins the run of whoever holds it (onJoin is told who, once).
 * A joiner whose run vanished or overran tries again, and past that checks on its own: the asker always gets a result.
 */
export async function runOrJoinSmoke(
  env: Environment,
  actor: Actor,
  deps: SharedRunDeps,
  onJoin: (startedBy: string) => Promise<void>,
): Promise<SharedRun> {
  const ttlMs = smokeLockTtlMs(deps.config.smoke);
  const keys = { lock: `smoke:${env.name}`, run: `smoke:${env.name}:run` };
  let announced = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    const locked = await withLock(
      deps.coord,
      keys.lock,
      { user: actor.user },
      () => runSmoke(env, actor, deps, keys.run, ttlMs),
      ttlMs,
    );
    if (locked.ok) return locked.value;
    const startedBy = typeof locked.holder?.owner.user === 'string' ? locked.holder.owner.user : undefined;
    if (startedBy && !announced) {
      announced = true;
      await onJoin(startedBy);
    }
    const joined = await waitForRun(deps, keys, ttlMs);
    if (joined) return { ...joined, joinedUser: startedBy ?? 'someone' };
    deps.log.warn({ env: env.name, startedBy }, 'smoke run joined did not finish; checking again');
  }
  return runSmoke(env, actor, deps, undefined, ttlMs);
}

function runSmoke(
  env: Environment,
  actor: Actor,
  deps: SharedRunDeps,
  runKey: string | undefined,
  ttlMs: number,
): Promise<{ runId: string; report: SmokeReport }> {
  return deps.runs.track({ kind: 'smoke', env: env.name, trigger: 'slash', actor }, async (runId) => {
    if (!runKey) return checkEnvironment(env, deps);
    // The run id exists only once the lock is held, so it is published under a key of its own for joiners to read.
    const published = await withLock(
      deps.coord,
      runKey,
      { runId, user: actor.user },
      () => checkEnvironment(env, deps),
      ttlMs,
    );
    // Taken only by a holder of the first lock, so it is held only if a crashed holder's copy has not expired yet.
    return published.ok ? published.value : checkEnvironment(env, deps);
  });
}

/** The finished run of the lock's holder, or undefined when it ended without a report, vanished or overran. */
async function waitForRun(
  deps: SharedRunDeps,
  keys: { lock: string; run: string },
  ttlMs: number,
): Promise<{ runId: string; report: SmokeReport } | undefined> {
  // Real time, not deps.now: a test's frozen clock must not keep a joiner waiting forever.
  const deadline = performance.now() + ttlMs;
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
