// Uptime rounds and samples in Postgres, their hourly and daily roll-ups, and the pruning of raw rows past
// UPTIME_RETENTION_DAYS (the daily figures stay: a year of them is a few kilobytes per environment).
import type { Db } from '../store/db.js';
import type { UptimeRound } from './round.js';

/**
 * Stores round unless a replica already stored one for the same environment and time: true when this call did.
 * The claim is the insert itself, so exactly one replica goes on to observe the round's verdict.
 */
export async function recordRound(db: Db, round: UptimeRound, inMaintenance: boolean): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx.query(
      `insert into uptime_rounds (env, at, up, latency_ms, in_maintenance) values ($1, $2, $3, $4, $5)
       on conflict (env, at) do nothing returning env`,
      [round.env, round.at, round.up, round.latencyMs, inMaintenance],
    );
    if (claimed.length === 0) return false;
    for (const sample of round.samples) {
      await tx.query(
        `insert into uptime_samples (env, at, path, ok, status, latency_ms, reason, in_maintenance)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          round.env,
          round.at,
          sample.path,
          sample.ok,
          sample.status ?? null,
          sample.latencyMs,
          sample.reason ?? null,
          inMaintenance,
        ],
      );
    }
    return true;
  });
}

/** The latest round of env before this one: whether it failed inside a maintenance window. */
export async function previousRound(
  db: Db,
  env: string,
  before: Date,
): Promise<{ up: boolean; in_maintenance: boolean } | undefined> {
  const [row] = await db.query<{ up: boolean; in_maintenance: boolean }>(
    'select up, in_maintenance from uptime_rounds where env = $1 and at < $2 order by at desc limit 1',
    [env, before],
  );
  return row;
}

const FIGURES = `count(*) filter (where not in_maintenance)::int,
  count(*) filter (where up and not in_maintenance)::int,
  count(*) filter (where in_maintenance)::int,
  (percentile_cont(0.5) within group (order by latency_ms))::int,
  (percentile_cont(0.95) within group (order by latency_ms))::int`;

/**
 * Rolls the closed hours and days of env up from its rounds (recomputing the latest ones, which may have grown),
 * then drops raw rounds, samples and hourly rows older than retentionDays.
 */
export async function rollUp(db: Db, env: string, now: Date, retentionDays: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into uptime_hourly (env, hour, rounds, up_rounds, maintenance_rounds, p50_ms, p95_ms)
       select env, date_trunc('hour', at), ${FIGURES} from uptime_rounds
        where env = $1 and at < date_trunc('hour', $2::timestamptz)
          and at >= coalesce((select max(hour) from uptime_hourly where env = $1), '-infinity')
        group by env, date_trunc('hour', at)
       on conflict (env, hour) do update set rounds = excluded.rounds, up_rounds = excluded.up_rounds,
         maintenance_rounds = excluded.maintenance_rounds, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms`,
      [env, now],
    );
    await tx.query(
      `insert into uptime_daily (env, day, rounds, up_rounds, maintenance_rounds, p50_ms, p95_ms)
       select env, (at at time zone 'UTC')::date, ${FIGURES} from uptime_rounds
        where env = $1 and at < date_trunc('day', $2::timestamptz at time zone 'UTC') at time zone 'UTC'
          and at >= coalesce((select max(day) from uptime_daily where env = $1)::timestamp at time zone 'UTC', '-infinity')
        group by env, (at at time zone 'UTC')::date
       on conflict (env, day) do update set rounds = excluded.rounds, up_rounds = excluded.up_rounds,
         maintenance_rounds = excluded.maintenance_rounds, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms`,
      [env, now],
    );
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    await tx.query('delete from uptime_samples where env = $1 and at < $2', [env, cutoff]);
    await tx.query('delete from uptime_rounds where env = $1 and at < $2', [env, cutoff]);
    await tx.query('delete from uptime_hourly where env = $1 and hour < $2', [env, cutoff]);
  });
}
