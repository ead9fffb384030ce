// The uptime report of an environment over 24 h, 7 d and 30 d: availability (up rounds over rounds outside
// maintenance), p50/p95 latency, outages with durations, the error budget against N_SLO_AVAILABILITY, and its burn.
import type { Db } from '../store/db.js';
import { outagesBetween } from './outage.js';

export const PERIODS = { '24h': 1, '7d': 7, '30d': 30 } as const;
export type PeriodName = keyof typeof PERIODS;

export interface PeriodFigures {
  /** Percent, undefined when no round outside maintenance was taken. */
  availability?: number;
  rounds: number;
  upRounds: number;
  maintenanceRounds: number;
  p50Ms?: number;
  p95Ms?: number;
  outages: { startedAt: string; endedAt?: string; durationMs: number }[];
  /** Of the downtime the SLO allows over the period (by rounds), the share not yet used: 100 untouched, < 0 overspent. */
  budgetLeftPct?: number;
  /** Downtime over allowed downtime, at this period's pace: above 1 the budget burns faster than the period allows. */
  burnRate?: number;
}

export interface UptimeReport {
  env: string;
  at: string;
  slo: number;
  periods: Record<PeriodName, PeriodFigures>;
  /** Availability per hour over the last 24 h, oldest first (undefined: no rounds), for the sparkline. */
  hourly: (number | undefined)[];
}

interface Figures {
  rounds: number;
  up_rounds: number;
  maintenance_rounds: number;
  p50: number | null;
  p95: number | null;
}

/** The figures of every period in one pass over the longest one's rounds. */
async function figures(db: Db, env: string, now: Date): Promise<Record<PeriodName, Figures>> {
  const columns = Object.keys(PERIODS).map((name, i) => {
    const inside = `at > $${i + 3}`;
    const counted = `${inside} and not in_maintenance`;
    return `count(*) filter (where ${counted})::int as "${name}_rounds",
      count(*) filter (where ${counted} and up)::int as "${name}_up_rounds",
      count(*) filter (where ${inside} and in_maintenance)::int as "${name}_maintenance_rounds",
      (percentile_cont(0.5) within group (order by latency_ms) filter (where ${counted}))::int as "${name}_p50",
      (percentile_cont(0.95) within group (order by latency_ms) filter (where ${counted}))::int as "${name}_p95"`;
  });
  const starts = Object.values(PERIODS).map((days) => new Date(now.getTime() - days * 86_400_000));
  const [row] = await db.query<Record<string, number | null>>(
    `select ${columns.join(',\n')} from uptime_rounds where env = $1 and at <= $2 and at > $5`,
    [env, now, ...starts],
  );
  const pick = (name: string): Figures => ({
    rounds: Number(row![`${name}_rounds`] ?? 0),
    up_rounds: Number(row![`${name}_up_rounds`] ?? 0),
    maintenance_rounds: Number(row![`${name}_maintenance_rounds`] ?? 0),
    p50: row![`${name}_p50`] ?? null,
    p95: row![`${name}_p95`] ?? null,
  });
  return { '24h': pick('24h'), '7d': pick('7d'), '30d': pick('30d') };
}

export function periodFigures(row: Figures, slo: number): Omit<PeriodFigures, 'outages'> {
  const availability = row.rounds ? (row.up_rounds / row.rounds) * 100 : undefined;
  const allowedDown = row.rounds * (1 - slo / 100);
  const down = row.rounds - row.up_rounds;
  return {
    availability,
    rounds: row.rounds,
    upRounds: row.up_rounds,
    maintenanceRounds: row.maintenance_rounds,
    p50Ms: row.p50 ?? undefined,
    p95Ms: row.p95 ?? undefined,
    budgetLeftPct: allowedDown > 0 ? ((allowedDown - down) / allowedDown) * 100 : undefined,
    burnRate: allowedDown > 0 ? down / allowedDown : undefined,
  };
}

export async function uptimeReport(db: Db, env: string, now: Date, slo: number): Promise<UptimeReport> {
  const longest = new Date(now.getTime() - PERIODS['30d'] * 86_400_000);
  const [all, outages, hourlyRows] = await Promise.all([
    figures(db, env, now),
    outagesBetween(db, env, longest, now),
    hourlyFigures(db, env, now),
  ]);
  const periods = {} as Record<PeriodName, PeriodFigures>;
  for (const [name, days] of Object.entries(PERIODS) as [PeriodName, number][]) {
    const from = now.getTime() - days * 86_400_000;
    periods[name] = {
      ...periodFigures(all[name], slo),
      outages: outages
        .filter((o) => (o.endedAt ?? now).getTime() > from)
        .map((o) => ({
          startedAt: o.startedAt.toISOString(),
          endedAt: o.endedAt?.toISOString(),
          durationMs: (o.endedAt ?? now).getTime() - o.startedAt.getTime(),
        })),
    };
  }
  const hourly: (number | undefined)[] = Array.from({ length: 24 }, () => undefined);
  for (const row of hourlyRows) {
    const index = 23 - Math.min(23, row.slot);
    if (row.rounds) hourly[index] = (row.up_rounds / row.rounds) * 100;
  }
  return { env, at: now.toISOString(), slo, periods, hourly };
}

function hourlyFigures(db: Db, env: string, now: Date) {
  return db.query<{ slot: number; rounds: number; up_rounds: number }>(
    `select floor(extract(epoch from ($2::timestamptz - at)) / 3600)::int as slot,
            count(*) filter (where not in_maintenance)::int as rounds,
            count(*) filter (where up and not in_maintenance)::int as up_rounds
       from uptime_rounds where env = $1 and at > $2::timestamptz - interval '24 hours' and at <= $2 group by 1`,
    [env, now],
  );
}
