// Change-control weeks: Monday 00:00 to the next Monday 00:00, UTC; the digest covers the last one that has ended.
import { isoWeek } from '../access/evidence.js';

const DAY_MS = 86_400_000;

export interface Week {
  /** `2026-W48` */
  label: string;
  /** Monday 00:00 UTC, inclusive. */
  start: Date;
  /** The next Monday 00:00 UTC, exclusive. */
  end: Date;
}

export function weekStarting(monday: Date): Week {
  const start = new Date(Date.UTC(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate()));
  return { label: isoWeek(start), start, end: new Date(start.getTime() + 7 * DAY_MS) };
}

/** The week before the one `now` falls in: on Monday 09:00 that is the week that ended 9 hours ago. */
export function lastEndedWeek(now: Date): Week {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  return weekStarting(new Date(today - (sinceMonday + 7) * DAY_MS));
}

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);
/** `2026-W48 (2026-11-23 – 2026-11-29)` */
export const weekTitle = (week: Pick<Week, 'label' | 'start' | 'end'>) =>
  `${week.label} (${isoDay(week.start)} – ${isoDay(new Date(week.end.getTime() - DAY_MS))})`;
