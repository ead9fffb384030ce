// Snooze: the alert stays open, its reminders and escalation wait until the snooze ends (1 h, 4 h, or tomorrow 09:00
// in the clicker's time zone). A second snooze while one runs changes nothing; End snooze, or the clock, ends it.

import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { type AlertChange, compareAndSet } from './change.js';
import { enqueueNotices, type ObserveDeps } from './observe.js';

export const SNOOZE_CHOICES = ['1h', '4h', 'morning'] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

/** The wall-clock offset of timeZone at instant, in ms (local = UTC + offset). */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return local - Math.floor(instant / 1000) * 1000;
}

/** When a snooze chosen at `now` ends; `morning` is tomorrow 09:00 on the wall clock of timeZone (an IANA zone). */
export function snoozeUntil(choice: SnoozeChoice, now: Date, timeZone: string): Date {
  if (choice === '1h') return new Date(now.getTime() + 3_600_000);
  if (choice === '4h') return new Date(now.getTime() + 4 * 3_600_000);
  const today = new Date(now.getTime() + offsetMs(now.getTime(), timeZone));
  const wall = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 9, 0);
  // The offset at 09:00 tomorrow, not now: a daylight-saving change overnight moves it.
  const guess = wall - offsetMs(wall, timeZone);
  return new Date(wall - offsetMs(guess, timeZone));
}

export function snoozeAlert(
  tx: Db,
  deps: ObserveDeps,
  alertId: string,
  actor: Actor,
  until: Date,
): Promise<AlertChange<'snoozed'>> {
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      set: 'snoozed_until = $3, snoozed_by = $4',
      where: `status <> 'resolved' and (snoozed_until is null or snoozed_until <= $2)`,
      params: [at, until, actor.user],
      outcome: 'snoozed',
    },
    (alert) => enqueueNotices(tx, deps, alert, 'changed', at),
  );
}

/**
 * Ends a snooze: by a person (End snooze), or by the clock once it is over (expiredOnly). Escalation counts again
 * from now; a reminder that fell due meanwhile goes out at the next janitor pass.
 */
export function endSnooze(
  tx: Db,
  deps: ObserveDeps,
  alertId: string,
  expiredOnly: boolean,
): Promise<AlertChange<'unsnoozed'>> {
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      set: `snoozed_until = null, snoozed_by = null,
            open_since = case when status = 'open' then $2 else open_since end`,
      where: `status <> 'resolved' and snoozed_until is not null and (not $3::boolean or snoozed_until <= $2)`,
      params: [at, expiredOnly],
      outcome: 'unsnoozed',
    },
    (alert) => enqueueNotices(tx, deps, alert, 'changed', at),
  );
}
