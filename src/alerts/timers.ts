// Which alerts a timer is due for at `at`: candidates only; each change is a compare-and-set of its own, so a
// candidate another replica (or a person) changed in between is left as it is.
import type { Db } from '../store/db.js';
import { ACK_CONFIRM_MINUTES, minutesBefore } from './ack-check.js';

export interface TimerSettings {
  ackTimeoutMinutes: number;
  escalateMinutes: number;
  /** False without ALERT_ONCALL_GROUP: nobody to escalate to. */
  escalation: boolean;
}
export interface DueTimers {
  snoozeEnds: string[];
  lapses: string[];
  ackChecks: string[];
  escalations: string[];
}

const ids = async (db: Db, sql: string, params: unknown[]) =>
  (await db.query<{ id: string }>(`select id::text as id from alerts where ${sql} order by id limit 100`, params)).map(
    (r) => r.id,
  );

export async function dueTimers(db: Db, at: Date, settings: TimerSettings): Promise<DueTimers> {
  const notSnoozed = '(snoozed_until is null or snoozed_until <= $1)';
  return {
    snoozeEnds: await ids(db, `status <> 'resolved' and snoozed_until <= $1`, [at]),
    lapses: await ids(db, `status = 'acknowledged' and ack_checked_at <= $1`, [minutesBefore(at, ACK_CONFIRM_MINUTES)]),
    ackChecks:
      settings.ackTimeoutMinutes > 0
        ? await ids(
            db,
            `status = 'acknowledged' and ack_checked_at is null and coalesce(ack_confirmed_at, acknowledged_at) <= $2
              and ${notSnoozed}`,
            [at, minutesBefore(at, settings.ackTimeoutMinutes)],
          )
        : [],
    escalations:
      settings.escalation && settings.escalateMinutes > 0
        ? await ids(
            db,
            `status = 'open' and escalated_at is null and coalesce(open_since, first_seen) <= $2 and ${notSnoozed}`,
            [at, minutesBefore(at, settings.escalateMinutes)],
          )
        : [],
  };
}
