// Restarts and dead replicas: a graceful stop hands its outbox claim back so the restart posts the alert at once;
// a job lock left by a killed replica frees within its lease, and the fire it blocked runs once afterwards.
import { afterEach, expect, it, onTestFinished } from 'vitest';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import type { Job } from '../../src/deps.js';
import { JOB_LOCK_MS } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres } from '../support/infra.js';
import { startFakeSlack } from '../support/slack-fake.js';

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const failing: AlertObservation = {
  key: 'smoke:production',
  failing: true,
  failureThreshold: 1,
  title: '🚨 Service production smoke test failed',
  lines: ['❌ `/readyz` 503'],
  email: { subject: 'Smoke Test Failed', text: 'HTTP 503' },
};

describeWithPostgres('restarts and dead replicas', () => {
  const bots: Bot[] = [];
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop();
  });

  it('posts an alert whose delivery a SIGTERM cut short within 30 s of the restart, once', async () => {
    const database = await createTestDatabase('restart');
    const slack = await startFakeSlack();
    onTestFinished(async () => {
      await slack.stop();
      await database.drop();
    });
    const first = await startBot({ slack, databaseUrl: database.url });
    slack.outage('chat.postMessage', { mode: 'hang' });
    void observeAlert(first.deps, failing).catch(() => {});
    await slack.waitFor('chat.postMessage');
    await first.stop(200);
    expect(await database.query('select claimed_until from outbox where delivered_at is null')).toEqual([
      { claimed_until: null },
    ]);
    expect(first.logText()).toContain('handed back outbox claims of deliveries still in flight');

    slack.outage('chat.postMessage', undefined);
    const restartedAt = Date.now();
    const second = await startBot({ slack, databaseUrl: database.url });
    bots.push(second);
    await until('the alert message', async () => slack.marked('C_ALERTS', 'opsbot_alert').length > 0, 30_000);
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
    expect(slack.marked('C_ALERTS', 'opsbot_alert')).toHaveLength(1);
  });

  it('runs a fire within 20 s of a replica dying with the job lock, and the fire it blocked once', async () => {
    const ran: string[] = [];
    const tick: Job = { name: 'tick', defaultSchedule: '*/2 * * * * *', run: async () => void ran.push('tick') };
    const bot = await startBot({ jobs: [tick], env: { SCHEDULER_SKIP_ALERT_AFTER: '2' } });
    bots.push(bot);
    await until('a first fire', async () => ran.length > 0, 10_000);
    // What a kill -9 leaves: its run still `running`, and its job lock, which nobody extends any more.
    await bot.db.query(
      `insert into runs (id, kind, trigger, owner, params) values ('r-dead', 'job:tick', 'cron', 'p-dead', '{}')`,
    );
    // Taken between two fires, as the dead replica had it when it was killed: with LEFT_MS of its lease to run, as
    // if it died JOB_LOCK_MS - LEFT_MS after taking it. The worst case, a death right after taking it, waits the
    // whole lease: what follows the lease must fit in the 20 s that leaves (the same bound as waiting it all out).
    const LEFT_MS = 5_000; // two fires (every 2 s) fall in it: SCHEDULER_SKIP_ALERT_AFTER=2 alerts
    await until(
      'the lock between fires',
      () => bot.deps.coord.tryLock('job:tick', LEFT_MS, { owner: 'p-dead' }),
      5_000,
    );
    const diedAt = Date.now();
    const before = ran.length;
    await until('a fire after the death', async () => ran.length > before, 20_000);
    expect(Date.now() - diedAt - LEFT_MS).toBeLessThan(20_000 - JOB_LOCK_MS);
    await until(
      'the catch-up',
      async () => bot.logText().includes('running a fire missed while a dead replica'),
      5_000,
    );
    expect(
      bot.logs.filter((l) => l.msg === 'running a fire missed while a dead replica held the job lock'),
    ).toHaveLength(1);
    const metrics = await bot.get('/metrics');
    expect(metrics.text).toMatch(/opsbot_scheduler_skipped_fires_total\{job="tick",reason="locked"\} [1-9]/);
    const [alert] = await bot.db.query<{ key: string }>("select key from alerts where key = 'scheduler:tick'");
    expect(alert).toEqual({ key: 'scheduler:tick' });
  });
});
