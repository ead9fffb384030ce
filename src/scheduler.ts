// Schedules every job: SCHEDULE_<JOB> overrides its default (`off` disables it), one replica per fire, no overlap,
// and a run record per execution. A fire that could not run is logged, counted and, repeated, alerted on.
import cron, { type ScheduledTask } from 'node-cron';
import type { LockHolder } from './coord/coord.js';
import type { Deps, Job } from './deps.js';
import { operate, rethrow } from './operate/operate.js';
import { type FireOutcome, skippedFires } from './publish/skipped-fires.js';
import { inFlight } from './settle.js';

export interface Scheduler {
  /** Job name -> the expression it runs on; disabled jobs are absent. */
  readonly schedules: Record<string, string>;
  /** Each scheduled job's next fire, for the App Home. */
  nextRuns(): { job: string; at: Date }[];
  /** Stops firing, then waits up to graceMs for jobs still running; returns how many were still running. */
  stop(graceMs?: number): Promise<number>;
}

// The job lock's lease, extended while its holder lives: a killed replica's lock frees within this.
export const JOB_LOCK_MS = 15_000;
const CATCH_UP_POLL_MS = 1_000;

export function scheduleFor(job: Job, deps: Pick<Deps, 'config'>): string {
  return deps.config.schedules[job.name] ?? job.defaultSchedule;
}

export interface JobResult {
  status: 'passed' | 'skipped' | 'error';
  holder?: LockHolder | null;
}

/**
 * Runs one job as a recorded run; never throws (a failed job is a run with status error, and a log line). node-cron's
 * noOverlap holds within a process; the job's lock holds across replicas: a fire that finds the previous one still
 * running anywhere is skipped, and says so.
 */
export async function runJob(job: Job, deps: Deps, slot?: Date): Promise<JobResult> {
  const started = performance.now();
  const result: JobResult = { status: 'passed' };
  try {
    const outcome = await operate(deps, {
      kind: `job:${job.name}`,
      action: 'job.run',
      refuseAction: 'job.skip',
      trigger: 'cron',
      params: { job: job.name, ...(slot ? { slot: slot.toISOString() } : {}) },
      lock: { key: `job:${job.name}`, ttlMs: JOB_LOCK_MS, owner: { owner: deps.runs.owner } },
      run: async () => {
        await job.run(deps);
        return { verdict: 'passed' as const };
      },
    });
    if (outcome.outcome === 'busy') {
      result.status = 'skipped';
      result.holder = outcome.holder;
      deps.log.warn({ job: job.name, holder: outcome.holder }, 'job skipped: its previous run is still going');
    } else if (outcome.outcome !== 'done') rethrow(outcome);
  } catch (error) {
    result.status = 'error';
    deps.log.error({ err: error, job: job.name }, 'job failed');
  } finally {
    deps.metrics.jobRuns.inc({ job: job.name, status: result.status });
    // Skipped fires are counted where they are skipped, with their reason (skippedFires).
    if (result.status !== 'skipped')
      deps.metrics.jobSeconds.observe({ job: job.name }, (performance.now() - started) / 1000);
    if (result.status === 'passed') deps.metrics.jobLastSuccess.set({ job: job.name }, Date.now() / 1000);
    deps.log.info(
      { job: job.name, status: result.status, ms: Math.round(performance.now() - started) },
      'job finished',
    );
  }
  return result;
}

export function startScheduler(jobs: Job[], deps: Deps): Scheduler {
  const tasks: ScheduledTask[] = [];
  const schedules: Record<string, string> = {};
  const running = inFlight();
  const stopped = new AbortController();
  const fires = skippedFires(deps);
  const catchingUp = new Set<string>();

  /**
   * A fire skipped because the job's lock was held runs once when the lock frees, if its holder died (its run never
   * finished): a killed replica must not cost hours of a job. A holder that finished normally ran the job; no catch-up.
   */
  async function catchUp(job: Job, holder: LockHolder | null | undefined, slot: Date): Promise<void> {
    if (catchingUp.has(job.name) || stopped.signal.aborted) return;
    catchingUp.add(job.name);
    try {
      while (!stopped.signal.aborted && (await deps.coord.lockHolder(`job:${job.name}`).catch(() => holder))) {
        await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
      }
      if (stopped.signal.aborted) return;
      const [last] = await deps.db.query<{ status: string }>(
        `select status from runs where kind = $1 and owner = $2 order by started_at desc limit 1`,
        [`job:${job.name}`, String(holder?.owner.owner ?? '')],
      );
      if (last && last.status !== 'running' && last.status !== 'interrupted') return;
      // One replica catches up the slot, whichever saw the lock free first.
      if (!(await deps.coord.runCoordinator.shouldRun(`opsbot:${job.name}:catch-up:${slot.toISOString()}`, 600_000)))
        return;
      deps.log.info({ job: job.name, slot }, 'running a fire missed while a dead replica held the job lock');
      fires.record(job.name, await runJob(job, deps, slot));
    } catch (error) {
      deps.log.error({ err: error, job: job.name }, 'catching up a skipped fire failed');
    } finally {
      catchingUp.delete(job.name);
    }
  }

  const fire = async (job: Job, slot: Date) => {
    const result = await runJob(job, deps, slot);
    fires.record(job.name, result);
    if (result.status === 'skipped') void running.track(catchUp(job, result.holder, slot));
  };

  for (const job of jobs) {
    const expression = scheduleFor(job, deps);
    if (expression === 'off') continue;
    schedules[job.name] = expression;
    const task = cron.schedule(expression, (context) => running.track(fire(job, context.date)), {
      name: `opsbot:${job.name}`,
      timezone: deps.config.scheduleTz,
      noOverlap: true,
      // Every replica ticks; the coordinator (a row per fire's time slot) lets exactly one run it.
      distributed: true,
      runCoordinator: deps.coord.runCoordinator,
      distributedLease: 10 * 60_000,
    });
    // not-elected is another replica running the fire; coordinator-error is a fire nobody runs.
    task.on('execution:skipped', (context) => {
      if (context.reason !== 'coordinator-error') return;
      fires.record(job.name, { status: 'skipped', reason: 'the run coordinator failed' } satisfies FireOutcome);
    });
    tasks.push(task);
  }
  deps.log.info({ schedules, tz: deps.config.scheduleTz }, 'scheduler started');
  return {
    schedules,
    nextRuns: () =>
      tasks.flatMap((task) => {
        const at = task.getNextRun();
        return at ? [{ job: (task.name ?? '').replace(/^opsbot:/, ''), at }] : [];
      }),
    async stop(graceMs = 0) {
      stopped.abort();
      await Promise.all(tasks.map((task) => task.destroy()));
      return running.drain(graceMs);
    },
  };
}
