// One seed request from start to audit, the same for Slack and the CLI: guards, a lock per environment, a run record,
// seedPilots, and an audit event for every outcome (refused, busy, passed, failed).
import { type LockHolder, withLock } from '../coord/coord.js';
import type { Deps } from '../deps.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import { checkSeedTarget, type SeedTarget } from './guards.js';
import { type SeedReport, type SeedStep, seedPilots } from './pilots.js';

export interface SeedRequestInput {
  env: string;
  prefix: string;
  count: number;
}
export type SeedOutcome =
  | { outcome: 'refused'; reason: string }
  | { outcome: 'busy'; holder: LockHolder | null }
  | { outcome: 'done'; runId: string; report: SeedReport };
export interface SeedCallbacks {
  /** After the lock and the run record, before anything is written (post the progress message here). */
  onStart?: (runId: string, target: SeedTarget) => Promise<void>;
  /** Never awaited (see SeedOptions.onProgress): queue the update and return. */
  onProgress?: (steps: SeedStep[]) => void;
  onLog?: (line: string) => void;
}
type RunSeedDeps = Pick<Deps, 'config' | 'coord' | 'runs' | 'audit' | 'now' | 'mail' | 'hooks' | 'log'>;

export async function runSeed(
  request: SeedRequestInput,
  actor: Actor,
  trigger: RunTrigger,
  deps: RunSeedDeps,
  callbacks: SeedCallbacks = {},
): Promise<SeedOutcome> {
  const params = { env: request.env, prefix: request.prefix, count: request.count };
  const verdict = checkSeedTarget(request.env, deps.config);
  if (!verdict.ok) {
    deps.log.warn({ ...params, reason: verdict.reason }, 'seed refused');
    await deps.audit.append({
      action: 'seed.refuse',
      actor,
      params: { ...params, reason: verdict.reason },
      outcome: 'refused',
    });
    return { outcome: 'refused', reason: verdict.reason };
  }
  const { target } = verdict;
  const owner = { user: actor.user, trigger, env: request.env };
  // Held for the whole run; a long seed keeps it because withLock extends it while seeding goes on.
  const locked = await withLock(deps.coord, `seed:${request.env}`, owner, () =>
    deps.runs.track({ kind: 'seed', env: request.env, trigger, actor, params }, async (runId) => {
      await callbacks.onStart?.(runId, target);
      return seedPilots(
        target.url,
        { ...params, onProgress: callbacks.onProgress, onLog: callbacks.onLog },
        {
          now: deps.now,
          mail: deps.mail,
          hooks: deps.hooks,
          log: deps.log.child({ runId }),
        },
      );
    }),
  );
  if (!locked.ok) {
    await deps.audit.append({
      action: 'seed.refuse',
      actor,
      params: { ...params, reason: 'already running', holder: locked.holder?.owner },
      outcome: 'busy',
    });
    return { outcome: 'busy', holder: locked.holder };
  }
  const { runId, report } = locked.value;
  await deps.audit.append({
    action: 'seed.run',
    actor,
    params: { ...params, runId, target: target.masked, failedStep: report.failure?.step },
    outcome: report.verdict,
  });
  return { outcome: 'done', runId, report };
}
