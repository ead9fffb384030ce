// What the status page shows: per environment its state now (up, down, maintenance, unknown), a 90-day bar of daily
// availability (rolled-up days, today from the rounds) and the open maintenance windows.
import type { Db } from '../store/db.js';
import { type MaintenanceWindow, openWindows } from './maintenance.js';

export type EnvState = 'up' | 'down' | 'maintenance' | 'unknown';
export interface StatusDay {
  day: string;
  /** Percent; undefined: no rounds that day. */
  availability?: number;
}
export interface EnvStatus {
  env: string;
  state: EnvState;
  lastCheckedAt?: string;
  days: StatusDay[];
  windows: MaintenanceWindow[];
}
export interface StatusReport {
  at: string;
  environments: EnvStatus[];
}

export async function statusReport(db: Db, envs: string[], now: Date, days = 90): Promise<StatusReport> {
  const windows = await openWindows(db, now);
  const today = now.toISOString().slice(0, 10);
  const first = new Date(Date.parse(today) - (days - 1) * 86_400_000);
  const environments: EnvStatus[] = [];
  for (const env of envs) {
    const [last] = await db.query<{ at: Date; up: boolean }>(
      'select at, up from uptime_rounds where env = $1 and at <= $2 order by at desc limit 1',
      [env, now],
    );
    const rows = await db.query<{ day: string; rounds: number; up_rounds: number }>(
      `select to_char(day, 'YYYY-MM-DD') as day, rounds, up_rounds from uptime_daily where env = $1 and day >= $2::date
       union all
       select to_char((at at time zone 'UTC')::date, 'YYYY-MM-DD'), count(*) filter (where not in_maintenance)::int,
              count(*) filter (where up and not in_maintenance)::int
         from uptime_rounds where env = $1 and at >= $3::date::timestamp at time zone 'UTC' and at <= $4 group by 1`,
      [env, first.toISOString().slice(0, 10), today, now],
    );
    const byDay = new Map(rows.map((r) => [r.day, r.rounds ? (r.up_rounds / r.rounds) * 100 : undefined]));
    const own = windows.filter((w) => w.env === env);
    environments.push({
      env,
      state: own.length ? 'maintenance' : !last ? 'unknown' : last.up ? 'up' : 'down',
      lastCheckedAt: last ? new Date(last.at).toISOString() : undefined,
      days: Array.from({ length: days }, (_, i) => {
        const day = new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
        return { day, availability: byDay.get(day) };
      }),
      windows: own,
    });
  }
  return { at: now.toISOString(), environments };
}
