// The monthly availability report of an environment, for the quarter's evidence: availability, outages,
// maintenance windows, and whether the SLO was met.
import type { Db } from '../store/db.js';
import { type MaintenanceWindow, windowsBetween } from './maintenance.js';
import { outagesBetween } from './outage.js';

export interface MonthlyAvailability {
  env: string;
  /** `2026-03`. */
  month: string;
  slo: number;
  /** Percent; undefined when no round outside maintenance was taken that month. */
  availability?: number;
  rounds: number;
  upRounds: number;
  maintenanceRounds: number;
  sloMet?: boolean;
  outages: { startedAt: string; endedAt?: string; durationMs: number }[];
  maintenanceWindows: MaintenanceWindow[];
}

/** month: `YYYY-MM`. Days already rolled up come from uptime_daily, the rest from the rounds. */
export async function monthlyAvailability(
  db: Db,
  env: string,
  month: string,
  slo: number,
  now: Date,
): Promise<MonthlyAvailability> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`\`${month}\` is not a month like 2026-03`);
  const from = new Date(`${month}-01T00:00:00Z`);
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const [row] = await db.query<{ rounds: number; up_rounds: number; maintenance_rounds: number }>(
    `with rolled as (select * from uptime_daily where env = $1 and day >= $2::date and day < $3::date),
          raw as (select * from uptime_rounds where env = $1 and at >= $2 and at < $3
                     and (at at time zone 'UTC')::date not in (select day from rolled))
     select (coalesce((select sum(rounds) from rolled), 0)
               + (select count(*) filter (where not in_maintenance) from raw))::int as rounds,
            (coalesce((select sum(up_rounds) from rolled), 0)
               + (select count(*) filter (where up and not in_maintenance) from raw))::int as up_rounds,
            (coalesce((select sum(maintenance_rounds) from rolled), 0)
               + (select count(*) filter (where in_maintenance) from raw))::int as maintenance_rounds`,
    [env, from, to],
  );
  const end = now < to ? now : to;
  const [outages, windows] = await Promise.all([outagesBetween(db, env, from, to), windowsBetween(db, env, from, to)]);
  const availability = row!.rounds ? (row!.up_rounds / row!.rounds) * 100 : undefined;
  return {
    env,
    month,
    slo,
    availability,
    rounds: row!.rounds,
    upRounds: row!.up_rounds,
    maintenanceRounds: row!.maintenance_rounds,
    sloMet: availability === undefined ? undefined : availability >= slo,
    outages: outages.map((o) => ({
      startedAt: o.startedAt.toISOString(),
      endedAt: o.endedAt?.toISOString(),
      durationMs: (o.endedAt ?? end).getTime() - o.startedAt.getTime(),
    })),
    maintenanceWindows: windows,
  };
}
