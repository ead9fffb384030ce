// Redis killed under two replicas: commands are still acknowledged in time, each scheduled fire runs exactly once,
// /readyz says degraded within a second, and coordination returns to Redis when it is back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from '../../src/deps.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithPostgres('with Redis killed under two replicas', () => {
  let redis: PrivateRedis;
  let a: Bot;
  let b: Bot;
  /** Where each run found its own job lock: in Redis, or in Postgres while Redis was down. */
  const lockedIn: { at: number; redis: boolean; postgres: boolean }[] = [];
  const tick: Job = {
    name: 'tick',
    defaultSchedule: '*/2 * * * * *',
    run: async (deps) => {
      const inRedis = (await redis.client.exists(`${a.redisPrefix}lock:job:tick`).catch(() => 0)) === 1;
      const inPostgres = await deps.db.query(
        "select 1 from coord_keys where key = 'lock:job:tick' and expires_at > now()",
      );
      lockedIn.push({ at: Date.now(), redis: inRedis, postgres: inPostgres.length === 1 });
    },
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    a = await startBot({ jobs: [tick], env: { REDIS_URL: redis.url } });
    b = await startBot({
      jobs: [tick],
      env: { REDIS_URL: redis.url },
      slack: a.slack,
      databaseUrl: a.databaseUrl,
      redisPrefix: a.redisPrefix,
    });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it('acknowledges 100 signed commands at 20 a second within 3 s each, and /readyz says degraded within 1 s', async () => {
    await until('a fire locked in Redis', async () => lockedIn.some((l) => l.redis));
    await redis.kill();
    const answers = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 50));
        return (i % 2 ? a : b).slash('/smoke', 'help');
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(100).fill(200));
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(3000);
    for (const bot of [a, b]) {
      const ready = await bot.get('/readyz');
      expect(ready.ms).toBeLessThan(1000);
      expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { redis: 'degraded' } } });
    }
    expect(a.logText()).toContain('redis is unreachable: coordinating through postgres');
  });

  it('runs each scheduled fire exactly once across the replicas while Redis is down, locked in Postgres', async () => {
    const since = Date.now();
    await until('three fires without Redis', async () => lockedIn.filter((l) => l.at > since).length >= 3);
    expect(lockedIn.filter((l) => l.at > since).every((l) => l.postgres && !l.redis)).toBe(true);
    const perSlot = await a.db.query<{ slot: string; runs: number }>(
      `select params->>'slot' as slot, count(*)::int as runs from runs where kind = 'job:tick' group by 1`,
    );
    expect(perSlot.length).toBeGreaterThanOrEqual(4);
    expect(perSlot.filter((row) => row.runs !== 1)).toEqual([]);
  });

  it('moves locks and the replay guard back to Redis once it is back', async () => {
    await redis.start();
    const since = Date.now();
    await until('a fire locked in Redis again', async () => lockedIn.some((l) => l.at > since && l.redis), 30_000);
    expect(lockedIn.filter((l) => l.at > since && l.redis).every((l) => !l.postgres)).toBe(true);
    const seen = await until('a signature in Redis', async () => {
      await a.slash('/smoke', 'help');
      const keys = await redis.client.keys(`${a.redisPrefix}seen:sig:*`);
      return keys.length > 0 && keys;
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(a.logText()).toContain('redis is back: coordinating through redis again');
    const ready = await a.get('/readyz');
    expect(ready.body).toMatchObject({ checks: { redis: 'ok' } });
    const perSlot = await a.db.query<{ runs: number }>(
      `select count(*)::int as runs from runs where kind = 'job:tick' group by params->>'slot' having count(*) > 1`,
    );
    expect(perSlot).toEqual([]);
  });
});
