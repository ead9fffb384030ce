// The seed as an operation: operators only, the guards first, one seed per environment at a time, the report and its
// `seed.run` audit event (a refusal is `seed.refuse`). Slack and the CLI run exactly this.
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { checkSeedTarget } from '../seed/guards.js';
import { seedPilots } from '../seed/pilots.js';
import type { SeedReport, SeedStep } from '../seed/report.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

export interface SeedRequest {
  env: string;
  prefix: string;
  count: number;
}
/** What a seed reports while it runs: every step's state, or one line of its log. */
export type SeedProgress = { steps: SeedStep[] } | { line: string };

export function seedOperation(
  request: SeedRequest,
  actor: Actor,
  trigger: RunTrigger,
  deps: Pick<Deps, 'config' | 'now' | 'mail' | 'log' | 'targets'>,
): OperationSpec<SeedReport, SeedProgress> {
  const params = { env: request.env, prefix: request.prefix, count: request.count };
  const target = () => checkSeedTarget(request.env, deps.config as Config);
  return {
    kind: 'seed',
    action: 'seed.run',
    trigger,
    actor,
    env: request.env,
    params,
    // The CLI is run by whoever holds the configuration, so only Slack's people need the operator role.
    ...(trigger === 'cli' ? {} : { role: 'operator' as const, what: '/seed pilots' }),
    guard: () => {
      const verdict = target();
      return verdict.ok ? undefined : verdict.reason;
    },
    // Held for the whole run; a long seed keeps it because the lock is extended while seeding goes on.
    lock: { key: `seed:${request.env}` },
    run: (ctx) => {
      const verdict = target();
      if (!verdict.ok) throw new Error(verdict.reason);
      return seedPilots(
        verdict.target.url,
        {
          ...params,
          onProgress: (steps) => ctx.progress({ steps }),
          onLog: (line) => ctx.progress({ line }),
        },
        { ...deps, log: ctx.log },
      );
    },
    auditParams: (report) => ({ target: report.target, failedStep: report.failure?.step }),
  };
}
