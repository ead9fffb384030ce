// bench/outage: acknowledgement of signed requests at 50 req/s (half slash commands, half Acknowledge clicks on an
// open alert), p50/p99 with Redis up, while it is SIGKILLed mid-load, while it stays down, and after it restarts; and
// how long after Slack recovers the last alert queued during its outage is delivered. Needs TEST_DATABASE_URL (the
// Postgres fallback); starts its own redis-server.
import { loadavg } from 'node:os';
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

interface Load {
  p50: number;
  p99: number;
  clickP99: number;
  max: number;
}

/** RATE requests a second for SECONDS; `at(i)` runs as request i leaves (to kill Redis mid-load). */
async function load(
  send: (i: number) => Promise<{ status: number; ms: number }>,
  at?: (i: number) => void,
): Promise<Load> {
  const answers = await Promise.all(
    Array.from({ length: RATE * SECONDS }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * 1000) / RATE));
      at?.(i);
      return send(i);
    }),
  );
  const bad = answers.filter((a) => a.status !== 200).length;
  if (bad > 0) throw new Error(`${bad} requests were not acknowledged with 200`);
  const ms = answers.map((a) => a.ms);
  const clicks = ms.filter((_, i) => i % 2 === 0);
  return {
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    clickP99: quantile(clicks, 0.99),
    max: Math.round(Math.max(...ms)),
  };
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
    await observeAlert(bot.deps, {
      key: 'bench:ack',
      failing: true,
      failureThreshold: 1,
      title: 'bench alert to acknowledge',
      lines: ['failing'],
      email: { subject: 'bench', text: 'bench' },
    });
    const [{ id: alertId }] = (await bot.db.query("select id::text as id from alerts where key = 'bench:ack'")) as [
      { id: string },
    ];
    // Even requests are Acknowledge clicks (the first acknowledges, the rest find it done), odd ones /smoke help.
    const send = (i: number) =>
      i % 2
        ? bot.slash('/smoke', 'help', { user: `U_CMD${i % 40}` })
        : bot.action({ actionId: 'alert.acknowledge', value: alertId, user: `U_ONCALL${i % 40}`, channel: 'C_ALERTS' });
    // One at a time first: what a command costs on this machine, without queueing behind the others.
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) alone.push((await bot.slash('/smoke', 'help')).ms);
    const up = await load(send);
    let killed: Promise<void> | undefined;
    const during = await load(send, (i) => {
      if (i === Math.floor((RATE * SECONDS) / 3)) killed = redis.kill();
    });
    await killed;
    const down = await load(send);
    await redis.start();
    // Back on Redis once the coordinator has seen it again (it looks every few seconds).
    const backBy = Date.now() + 30_000;
    while (!bot.logText().includes('redis is back') && Date.now() < backBy) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const after = await load(send);
    const [{ acknowledged }] = (await bot.db.query(
      "select count(*)::int as acknowledged from audit_events where action = 'alert.acknowledge' and outcome = 'acknowledged'",
    )) as [{ acknowledged: number }];

    // Slack down while alerts open; the janitor runs every minute (simulated clock); Slack recovers; how many janitor
    // minutes until the last one is posted, and how long the delivery itself takes.
    const markedBefore = bot.slack.marked('C_ALERTS', 'opsbot_alert').length;
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
    const posted = bot.slack.marked('C_ALERTS', 'opsbot_alert').length - markedBefore;
    return {
      name: 'outage',
      figures: {
        ackOneAtATimeMs: quantile(alone, 0.5),
        ackP50RedisUpMs: up.p50,
        ackP99RedisUpMs: up.p99,
        ackP50KilledMidLoadMs: during.p50,
        ackP99KilledMidLoadMs: during.p99,
        ackMaxKilledMidLoadMs: during.max,
        ackP50RedisDownMs: down.p50,
        ackP99RedisDownMs: down.p99,
        ackP50RedisBackMs: after.p50,
        ackP99RedisBackMs: after.p99,
        clickP99UpMs: up.clickP99,
        clickP99KilledMidLoadMs: during.clickP99,
        clickP99DownMs: down.clickP99,
        alertAcknowledgedTimes: acknowledged,
        recoveryToLastDeliveredMin: (now.getTime() - recoveredAt) / 60_000,
        deliveryWorkMs: Math.round(deliveryMs),
        alertMessages: posted,
      },
      goal: `ack p99 < ${GOAL_P99_MS} ms with Redis killed and down; the alert acknowledged once; ${QUEUED_ALERTS} alerts posted once each`,
      met:
        Math.max(during.p99, down.p99) < GOAL_P99_MS && acknowledged === 1 && posted === QUEUED_ALERTS && pending === 0,
      notes: [
        `${RATE} signed requests a second for ${SECONDS} s per phase (half /smoke help, half Acknowledge clicks), in the`,
        `same process as the bot (shared 2-core machine); Redis is SIGKILLed a third into the "killed" phase`,
        `${QUEUED_ALERTS} alerts opened while Slack answered 500; the janitor runs each simulated minute; its backoff`,
        `(30 s doubling) decides the minutes; deliveryWorkMs is the wall time the janitor spent delivering`,
        `bench wall clock ${Math.round(performance.now() - started)} ms for the recovery part`,
        `machine load average at the end (1/5/15 min): ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')}`,
      ],
    };
  } finally {
    await bot.stop();
    await redis.stop();
  }
}
