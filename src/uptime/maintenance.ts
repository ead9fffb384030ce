// Maintenance windows: an operator says an environment is being worked on, for how long and why. While one is open
// that environment's alerts are held and its uptime rounds are left out of the SLO.
import type { Db } from '../store/db.js';

export interface MaintenanceWindow {
  id: string;
  env: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  endedEarlyAt?: string;
  endedBy?: string;
}

interface Row {
  id: string;
  env: string;
  starts_at: Date;
  ends_at: Date;
  reason: string;
  created_by: string;
  ended_early_at: Date | null;
  ended_by: string | null;
}

const COLUMNS = 'id::text as id, env, starts_at, ends_at, reason, created_by, ended_early_at, ended_by';
const OPEN = 'starts_at <= $2 and coalesce(ended_early_at, ends_at) > $2';

function toWindow(row: Row): MaintenanceWindow {
  return {
    id: row.id,
    env: row.env,
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ended_early_at ?? row.ends_at).toISOString(),
    reason: row.reason,
    createdBy: row.created_by,
    endedEarlyAt: row.ended_early_at ? new Date(row.ended_early_at).toISOString() : undefined,
    endedBy: row.ended_by ?? undefined,
  };
}

export type StartResult =
  | { outcome: 'started'; window: MaintenanceWindow }
  | { outcome: 'refused'; reason: string; window?: MaintenanceWindow };

/** Opens a window on env from now for ms; one open window per environment (across replicas: an advisory lock). */
export async function startWindow(
  db: Db,
  input: { env: string; ms: number; reason: string; by: string; now: Date },
): Promise<StartResult> {
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('maintenance:' || $1))`, [input.env]);
    const [open] = await tx.query<Row>(`select ${COLUMNS} from maintenance_windows where env = $1 and ${OPEN}`, [
      input.env,
      input.now,
    ]);
    if (open) {
      const window = toWindow(open);
      return {
        outcome: 'refused',
        reason: `${input.env} is already in maintenance until ${window.endsAt}; end it first.`,
        window,
      };
    }
    const [row] = await tx.query<Row>(
      `insert into maintenance_windows (env, starts_at, ends_at, reason, created_by) values ($1, $2, $3, $4, $5)
       returning ${COLUMNS}`,
      [input.env, input.now, new Date(input.now.getTime() + input.ms), input.reason, input.by],
    );
    return { outcome: 'started', window: toWindow(row!) };
  });
}

/** Ends env's open window now; undefined when there is none. */
export async function endWindow(db: Db, env: string, by: string, now: Date): Promise<MaintenanceWindow | undefined> {
  const [row] = await db.query<Row>(
    `update maintenance_windows set ended_early_at = $2, ended_by = $3 where env = $1 and ${OPEN} returning ${COLUMNS}`,
    [env, now, by],
  );
  return row && toWindow(row);
}

/** The windows open at now, soonest end first. */
export async function openWindows(db: Db, now: Date): Promise<MaintenanceWindow[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from maintenance_windows where $1::text is null and ${OPEN} order by coalesce(ended_early_at, ends_at)`,
    [null, now],
  );
  return rows.map(toWindow);
}

export async function inMaintenance(db: Db, env: string, now: Date): Promise<boolean> {
  const rows = await db.query(`select 1 from maintenance_windows where env = $1 and ${OPEN} limit 1`, [env, now]);
  return rows.length > 0;
}

/** The windows of env that overlap [from, to). */
export async function windowsBetween(db: Db, env: string, from: Date, to: Date): Promise<MaintenanceWindow[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from maintenance_windows
      where env = $1 and starts_at < $3 and coalesce(ended_early_at, ends_at) > $2 order by starts_at`,
    [env, from, to],
  );
  return rows.map(toWindow);
}
