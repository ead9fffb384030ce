// /smoke, the schedule and joiners as operations: one check per environment at a time across replicas (a second
// asker joins the run under way and gets its report), `smoke.run` audited for every asker.
import type { Environment } from '../config.js';
import { checkEnvironment, type SmokeReport } from '../smoke/check.js';
import { checkPublished, type SharedRunDeps, smokeKeys, smokeLockTtlMs, waitForRun } from '../smoke/shared-run.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec, Outcome } from './spec.js';

export interface SmokeAsk {
  trigger: RunTrigger;
  actor?: Actor;
  /** Told once who started the run this asker joins (another replica's): the command says so. */
  onJoin?: (startedBy: string) => Promise<void>;
}

export function smokeOperation(env: Environment, ask: SmokeAsk, deps: SharedRunDeps): OperationSpec<SmokeReport> {
  const base = { kind: 'smoke', action: 'smoke.run', trigger: ask.trigger, actor: ask.actor, env: env.name };
  if (ask.trigger === 'cron') return { ...base, run: () => checkEnvironment(env, deps) };
  let announced = false;
  return {
    ...base,
    params: { joined: false },
    rateLimit: ask.actor ? { key: `smoke:${ask.actor.user}`, perMinute: deps.config.smoke.perMinute } : undefined,
    what: '/smoke',
    lock: {
      key: smokeKeys(env.name).lock,
      ttlMs: smokeLockTtlMs(deps.config.smoke),
      async join(holder) {
        const startedBy = typeof holder?.owner.user === 'string' ? holder.owner.user : undefined;
        if (startedBy && !announced) {
          announced = true;
          await ask.onJoin?.(startedBy);
        }
        return waitForRun(env.name, deps);
      },
    },
    run: (ctx) => checkPublished(env, ctx.runId!, ask.actor?.user, deps),
  };
}

/**
 * An asker riding along on a check this process already runs: no run of its own, its own audit event. Should the
 * starter's check not have run at all (refused, or a fault), the rider checks for itself.
 */
export function smokeRiderOperation(
  env: Environment,
  actor: Actor,
  flight: Promise<Outcome<SmokeReport>>,
  deps: SharedRunDeps,
): OperationSpec<SmokeReport> {
  let runId: string | undefined;
  return {
    kind: 'smoke',
    action: 'smoke.run',
    trigger: 'slash',
    actor,
    env: env.name,
    params: { joined: true },
    what: '/smoke',
    rateLimit: { key: `smoke:${actor.user}`, perMinute: deps.config.smoke.perMinute },
    record: false,
    run: async () => {
      const shared = await flight;
      if (shared.outcome !== 'done') return checkEnvironment(env, deps);
      runId = shared.runId;
      return shared.report;
    },
    auditParams: () => ({ runId }),
  };
}
