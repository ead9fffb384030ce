// The scheduler: SCHEDULE_<JOB> overrides or turns off a job, and a job still running anywhere is not started again.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '../../src/deps.js';
import { runJob } from '../../src/scheduler.js';
import { startBot } from '../support/bot.js';

describe('scheduler', () => {
  it('skips a fire while the same job is still running, on this replica or another sharing its coordination', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    const slowJob: Job = {
      name: 'slow',
      defaultSchedule: '0 0 1 1 *',
      run: async () => {
        started += 1;
        await gate;
      },
    };
    const bot = await startBot();
    onTestFinished(() => bot.stop());
    const first = runJob(slowJob, bot.deps);
    const deadline = Date.now() + 5000;
    while (started === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await runJob(slowJob, bot.deps);
    release();
    await first;
    expect(started).toBe(1);
    expect(bot.logs.some((l) => l.msg === 'job skipped: its previous run is still going' && l.job === 'slow')).toBe(
      true,
    );
    expect(await bot.db.query("select status from runs where kind = 'job:slow'")).toEqual([{ status: 'passed' }]);
  });

  it('runs a job on its SCHEDULE_<JOB> expression and not at all when it is off', async () => {
    const runs: string[] = [];
    // Both default to every second: only SCHEDULE_DISABLED=off keeps the second one from running.
    const job = (name: string): Job => ({
      name,
      defaultSchedule: '* * * * * *',
      run: async () => void runs.push(name),
    });
    const bot = await startBot({
      jobs: [job('every-second'), job('disabled')],
      env: { SCHEDULE_EVERY_SECOND: '*/1 * * * * *', SCHEDULE_DISABLED: 'off' },
    });
    onTestFinished(() => bot.stop());
    const deadline = Date.now() + 5000;
    while (runs.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs.filter((name) => name === 'every-second').length).toBeGreaterThanOrEqual(2);
    expect(runs).not.toContain('disabled');
  });
});
