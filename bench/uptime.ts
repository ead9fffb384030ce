// bench/uptime: a year of 5-minute rounds (3 paths each) for 10 environments in Postgres, rolled up; reports the
// storage of the raw rows and of the daily figures that outlive them, and the time of the /uptime report over 30 days
// (goal ≤ 50 ms). Needs TEST_DATABASE_URL; makes and drops its own database.

import { migrate } from '../src/store/migrate.js';
import { postgresDb } from '../src/store/postgres.js';
import { uptimeReport } from '../src/uptime/report.js';
import { rollUp } from '../src/uptime/store.js';
import { createTestDatabase } from '../test/support/infra.js';
import type { BenchResult } from './run.js';

const ENVS = 10;
const GOAL_MS = 50;
const NOW = new Date('2026-03-02T00:00:00Z');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<BenchResult> {
  const database = await createTestDatabase('bench_uptime');
  const db = postgresDb(database.url, 4);
  try {
    await migrate(db);
    const loadStarted = performance.now();
    for (let e = 0; e < ENVS; e++) {
      const env = `env-${e}`;
      // One round in 2000 down, one in 500 in maintenance; latency varies with the minute.
      await db.query(
        `insert into uptime_rounds (env, at, up, latency_ms, in_maintenance)
         select $1, t, (n % 2000) <> 7, 40 + (n % 97), (n % 500) = 3
           from generate_series($2::timestamptz - interval '365 days', $2::timestamptz - interval '5 minutes', interval '5 minutes')
             with ordinality as g(t, n)`,
        [env, NOW],
      );
      await db.query(
        `insert into uptime_samples (env, at, path, ok, status, latency_ms, reason, in_maintenance)
         select env, at, p, up, case when up then 200 else 503 end, latency_ms, case when up then null else 'HTTP 503' end,
                in_maintenance
           from uptime_rounds, unnest(array['/healthz', '/readyz', '/metrics']) as p where env = $1`,
        [env],
      );
      await rollUp(db, env, NOW, 400);
    }
    const loadMs = performance.now() - loadStarted;
    await db.query('vacuum analyze');
    const size = async (table: string) =>
      Number((await db.query<{ b: string }>(`select pg_total_relation_size($1)::text as b`, [table]))[0]!.b);
    const raw = (await size('uptime_rounds')) + (await size('uptime_samples'));
    const daily = await size('uptime_daily');
    const hourly = await size('uptime_hourly');
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      await uptimeReport(db, `env-${i % ENVS}`, NOW, 99.9);
      times.push(performance.now() - started);
    }
    const reportMs = median(times.slice(3));
    return {
      name: 'uptime',
      figures: {
        rounds: ENVS * 365 * 288,
        rawMBPerEnv: Number((raw / ENVS / 1024 / 1024).toFixed(1)),
        hourlyKBPerEnv: Number((hourly / ENVS / 1024).toFixed(1)),
        dailyKBPerEnv: Number((daily / ENVS / 1024).toFixed(1)),
        uptime30dMs: Number(reportMs.toFixed(1)),
        loadSeconds: Number((loadMs / 1000).toFixed(1)),
      },
      goal: `/uptime report over 30 days <= ${GOAL_MS} ms`,
      met: reportMs <= GOAL_MS,
      notes: [
        'raw: rounds + samples with indexes, kept UPTIME_RETENTION_DAYS; daily: what remains of a year after that',
        'the report is the 24 h, 7 d and 30 d figures, percentiles, outages and the hourly sparkline of one environment',
      ],
    };
  } finally {
    await db.close();
    await database.drop();
  }
}
