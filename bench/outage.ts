// bench/outage: slash-command acknowledgement at 50 req/s with Redis up and with Redis killed (p50/p99), and how long
// after Slack recovers the last alert queued during its outage is delivered. Needs TEST_DATABASE_URL (the Postgres
// fallback); starts its own redis-server.
import { janitorJob } from '../jobs/janitor.js';
import { observeAlert } from '../src/alerts/observe.js';
import { runJob } from '../src/scheduler.js';
import { startBot } from '../test/support/bot.js';
import { startPrivateRedis } from '../test/support/redis-server.js';
import type { BenchResult } from './run.js';

const RATE = 50;
const SECONDS = 10;
const QUEUED_ALERTS = 20;
const GOAL_P99_MS = 3000;

const quantile = (values: number[], q: number) =>
  Math.round([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!);

async function load(send: () => Promise<{ status: number; ms: number }>): Promise<{ p50: number; p99: number }> {
  const answers = await Promise.all(
    Array.from({ length: RATE * SECONDS }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * 1000) / RATE));
      return send();
    }),
  );
  const bad = answers.filter((a) => a.status !== 200).length;
  if (bad > 0) throw new Error(`${bad} commands were not acknowledged with 200`);
  const ms = answers.map((a) => a.ms);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

export async function run(): Promise<BenchResult> {
  if (!process.env.TEST_DATABASE_URL) throw new Error('bench/outage needs TEST_DATABASE_URL');
  const redis = await startPrivateRedis();
  let now = new Date();
  const bot = await startBot({
    now: () => now,
    env: { REDIS_URL: redis.url, SLACK_API_TIMEOUT_MS: '1000', LOG_LEVEL: 'warn' },
  });
  try {
    // One at a time first: what a command costs on this machine, without queueing behind the others.
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) alone.push((await bot.slash('/smoke', 'help')).ms);
    const up = await load(() => bot.slash('/smoke', 'help'));
    await redis.kill();
    const down = await load(() => bot.slash('/smoke', 'help'));

    // Slack down while alerts open; the janitor runs every minute (simulated clock); Slack recovers; how many janitor
    // minutes until the last one is posted, and how long the delivery itself takes.
    for (const method of ['chat.postMessage', 'conversations.history']) bot.slack.outage(method, { mode: '500' });
    for (let i = 0; i < QUEUED_ALERTS; i++) {
      await observeAlert(bot.deps, {
        key: `bench:${i}`,
        failing: true,
        failureThreshold: 1,
        title: `bench alert ${i}`,
        lines: ['failing'],
        email: { subject: 'bench', text: 'bench' },
      });
    }
    for (let minute = 0; minute < 5; minute++) {
      now = new Date(now.getTime() + 60_000);
      await runJob(janitorJob, bot.deps);
    }
    for (const method of ['chat.postMessage', 'conversations.history']) bot.slack.outage(method, undefined);
    const recoveredAt = now.getTime();
    const started = performance.now();
    let pending = QUEUED_ALERTS;
    let deliveryMs = 0;
    while (pending > 0 && now.getTime() - recoveredAt < 60 * 60_000) {
      now = new Date(now.getTime() + 60_000);
      const tick = performance.now();
      await runJob(janitorJob, bot.deps);
      deliveryMs += performance.now() - tick;
      [{ pending }] = (await bot.db.query(
        "select count(*)::int as pending from outbox where delivered_at is null and kind like 'alert.%'",
      )) as [{ pending: number }];
    }
    const posted = bot.slack.marked('C_ALERTS', 'opsbot_alert').length;
    return {
      name: 'outage',
      figures: {
        ackOneAtATimeMs: quantile(alone, 0.5),
        ackP50RedisUpMs: up.p50,
        ackP99RedisUpMs: up.p99,
        ackP50RedisDownMs: down.p50,
        ackP99RedisDownMs: down.p99,
        recoveryToLastDeliveredMin: (now.getTime() - recoveredAt) / 60_000,
        deliveryWorkMs: Math.round(deliveryMs),
        alertMessages: posted,
      },
      goal: `ack p99 < ${GOAL_P99_MS} ms with Redis down; ${QUEUED_ALERTS} alerts posted once each`,
      met: down.p99 < GOAL_P99_MS && posted === QUEUED_ALERTS && pending === 0,
      notes: [
        `${RATE} signed /smoke help a second for ${SECONDS} s, in the same process as the bot (shared 2-core machine)`,
        `${QUEUED_ALERTS} alerts opened while Slack answered 500; the janitor runs each simulated minute; its backoff`,
        `(30 s doubling) decides the minutes; deliveryWorkMs is the wall time the janitor spent delivering`,
        `bench wall clock ${Math.round(performance.now() - started)} ms for the recovery part`,
      ],
    };
  } finally {
    await bot.stop();
    await redis.stop();
  }
}
