// The period of `opsbot audit export`: `--from` and `--to`, both inclusive, as days (`2026-07-01`) or full timestamps
// (`2026-07-01T09:30:00Z`; without a zone, UTC), checked before anything is read.
export interface AuditRange {
  /** Timestamps Postgres reads exactly (microseconds kept). */
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/** The instant a bound names, or why it names none; a day's `to` is its last microsecond. */
function bound(name: 'from' | 'to', text: string | undefined): string | { problem: string } {
  const example = `e.g. --${name} 2026-07-01 or --${name} 2026-07-01T09:30:00Z`;
  if (!text) return { problem: `\`--${name}\` is required, ${example}.` };
  const value = text.trim();
  const day = DAY.test(value) ? value : STAMP.exec(value)?.[1];
  const parsed = day ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March: a day must come back as itself.
  if (!day || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== day)
    return { problem: `\`--${name} ${value}\` is not a date or timestamp; ${example}.` };
  if (DAY.test(value)) return name === 'from' ? `${value}T00:00:00Z` : `${value}T23:59:59.999999Z`;
  const [, , time, zone] = STAMP.exec(value)!;
  const stamp = `${day}T${time}${zone ?? 'Z'}`;
  if (Number.isNaN(Date.parse(stamp.replace(/(\.\d{3})\d+/, '$1'))))
    return { problem: `\`--${name} ${value}\` is not a valid time; ${example}.` };
  return stamp;
}

export function parseAuditRange(
  fromText: string | undefined,
  toText: string | undefined,
): AuditRange | { problem: string } {
  const from = bound('from', fromText);
  if (typeof from !== 'string') return from;
  const to = bound('to', toText);
  if (typeof to !== 'string') return to;
  if (Date.parse(from.replace(/(\.\d{3})\d+/, '$1')) > Date.parse(to.replace(/(\.\d{3})\d+/, '$1')))
    return { problem: `\`--from ${fromText}\` is after \`--to ${toText}\`: nothing could be in between.` };
  return { from, to };
}
