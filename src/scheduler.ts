// Schedules every job: SCHEDULE_<JOB> overrides its default (`off` disables it), one replica per fire, no overlap,
// and a run record per execution.
import cron, { type ScheduledTask } from 'node-cron';
import type { Deps, Job } from './deps.js';
import { operate, rethrow } from './operate/operate.js';
import { inFlight } from './settle.js';

export interface Scheduler {
  /** Job name -> the expression it runs on; disabled jobs are absent. */
  readonly schedules: Record<string, string>;
  /** Stops firing, then waits up to graceMs for jobs still running; returns how many were still running. */
  stop(graceMs?: number): Promise<number>;
}

export function scheduleFor(job: Job, deps: Pick<Deps, 'config'>): string {
  return deps.config.schedules[job.name] ?? job.defaultSchedule;
}

/**
 * Runs one job as a recorded run; never throws (a failed job is a run with status error, and a log line). node-cron's
 * noOverlap holds within a process; the job's lock holds across replicas: a fire that finds the previous one still
 * running anywhere is skipped, and says so.
 */
export async function runJob(job: Job, deps: Deps, slot?: Date): Promise<void> {
  const started = performance.now();
  let status = 'passed';
  try {
    const outcome = await operate(deps, {
      kind: `job:${job.name}`,
      action: 'job.run',
      refuseAction: 'job.skip',
      trigger: 'cron',
      params: { job: job.name, ...(slot ? { slot: slot.toISOString() } : {}) },
      lock: { key: `job:${job.name}`, owner: { owner: deps.runs.owner } },
      run: async () => {
        await job.run(deps);
        return { verdict: 'passed' as const };
      },
    });
    if (outcome.outcome === 'busy') {
      status = 'skipped';
      deps.log.warn({ job: job.name, holder: outcome.holder }, 'job skipped: its previous run is still going');
    } else if (outcome.outcome !== 'done') rethrow(outcome);
  } catch (error) {
    status = 'error';
    deps.log.error({ err: error, job: job.name }, 'job failed');
  } finally {
    deps.metrics.jobRuns.inc({ job: job.name, status });
    if (status === 'skipped') deps.metrics.jobSkipped.inc({ job: job.name });
    else deps.metrics.jobSeconds.observe({ job: job.name }, (performance.now() - started) / 1000);
    if (status === 'passed') deps.metrics.jobLastSuccess.set({ job: job.name }, Date.now() / 1000);
    deps.log.info({ job: job.name, status, ms: Math.round(performance.now() - started) }, 'job finished');
  }
}

export function startScheduler(jobs: Job[], deps: Deps): Scheduler {
  const tasks: ScheduledTask[] = [];
  const schedules: Record<string, string> = {};
  const running = inFlight();
  for (const job of jobs) {
    const expression = scheduleFor(job, deps);
    if (expression === 'off') continue;
    schedules[job.name] = expression;
    tasks.push(
      cron.schedule(expression, (context) => running.track(runJob(job, deps, context.date)), {
        name: `opsbot:${job.name}`,
        timezone: deps.config.scheduleTz,
        noOverlap: true,
        // Every replica ticks; the coordinator (Redis SET NX on the fire's time slot) lets exactly one run it.
        distributed: true,
        runCoordinator: deps.coord.runCoordinator,
        distributedLease: 10 * 60_000,
      }),
    );
  }
  deps.log.info({ schedules, tz: deps.config.scheduleTz }, 'scheduler started');
  return {
    schedules,
    async stop(graceMs = 0) {
      await Promise.all(tasks.map((task) => task.destroy()));
      return running.drain(graceMs);
    },
  };
}
