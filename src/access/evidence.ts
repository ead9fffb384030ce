// The quarter's evidence: every week of the quarter with its reviews (date, counts, anomalies, decision, reviewer,
// note, issue, snapshot sha256), weeks without a review marked as gaps, and the snapshots as CSV.
import type { Db } from '../store/db.js';
import { snapshotFileBase } from './export.js';
import type { ReviewFile } from './review.js';
import { reviewsBetween } from './store.js';
import type { SnapshotCounts } from './summary.js';

export interface EvidenceReview {
  id: string;
  date: string;
  takenAt: string;
  counts: SnapshotCounts;
  anomalies: number;
  changes: number;
  decision: string | null;
  reviewer: string | null;
  decidedAt: string | null;
  note: string | null;
  issueUrl: string | null;
  snapshotFile: string;
  sha256: string;
}
export interface EvidenceWeek {
  /** `2026-W28 (2026-07-06 – 2026-07-12)` */
  label: string;
  start: string;
  end: string;
  /** pending: the week has not ended yet and has no review so far. */
  status: 'reviewed' | 'gap' | 'pending';
  reviews: EvidenceReview[];
}
export interface EvidenceIndex {
  quarter: string;
  generatedAt: string;
  weeks: EvidenceWeek[];
  reviews: number;
  reviewedWeeks: number;
  gapWeeks: number;
  pendingWeeks: number;
  undecided: number;
}
export interface EvidencePackage {
  index: EvidenceIndex;
  /** The snapshots as CSV, exactly as they were uploaded to each review's thread. */
  snapshots: ReviewFile[];
}

const DAY_MS = 86_400_000;
const QUARTER = /^(\d{4})-Q([1-4])$/i;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The quarter's first and last day, or a message saying what a quarter looks like. */
export function parseQuarter(
  text: string,
): { ok: true; quarter: string; start: Date; end: Date } | { ok: false; reason: string } {
  const match = QUARTER.exec(text.trim());
  if (!match)
    return { ok: false, reason: `\`${text.trim() || '(nothing)'}\` is not a quarter. Use YYYY-Qn, e.g. \`2026-Q3\`.` };
  const [year, q] = [Number(match[1]), Number(match[2])];
  const start = new Date(Date.UTC(year, (q - 1) * 3, 1));
  const end = new Date(Date.UTC(year, q * 3, 0));
  return { ok: true, quarter: `${year}-Q${q}`, start, end };
}

/** ISO 8601 week number of a date (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(date: Date): string {
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * The quarter's review weeks, Monday to Sunday: those whose Sunday (the weekly job's day) falls in the quarter, so
 * every week, and every review, belongs to exactly one quarter.
 */
export function quarterWeeks(start: Date, end: Date): { start: Date; end: Date }[] {
  const firstSunday = new Date(start.getTime() + ((7 - start.getUTCDay()) % 7) * DAY_MS);
  const weeks: { start: Date; end: Date }[] = [];
  for (let sunday = firstSunday; sunday <= end; sunday = new Date(sunday.getTime() + 7 * DAY_MS)) {
    weeks.push({ start: new Date(sunday.getTime() - 6 * DAY_MS), end: sunday });
  }
  return weeks;
}

export async function buildEvidence(
  deps: { db: Db; now: () => Date },
  quarterText: string,
): Promise<EvidencePackage | { reason: string }> {
  const parsed = parseQuarter(quarterText);
  if (!parsed.ok) return { reason: parsed.reason };
  const now = deps.now();
  const weeks = quarterWeeks(parsed.start, parsed.end);
  const reviews = weeks.length
    ? await reviewsBetween(deps.db, weeks[0]!.start, new Date(weeks.at(-1)!.end.getTime() + DAY_MS))
    : [];
  const used = new Map<string, number>();
  const snapshots: ReviewFile[] = [];
  const entries = reviews.map((r): EvidenceReview & { at: number } => {
    const base = snapshotFileBase(r.takenAt);
    const seen = (used.get(base) ?? 0) + 1;
    used.set(base, seen);
    const snapshotFile = `${base}${seen > 1 ? `_${seen}` : ''}.csv`;
    snapshots.push({ filename: snapshotFile, content: r.csv });
    return {
      id: r.id,
      date: r.takenAt.slice(0, 10),
      takenAt: r.takenAt,
      counts: r.counts,
      anomalies: r.anomalies.length,
      changes: r.diff.changes.length,
      decision: r.decision,
      reviewer: r.decidedBy,
      decidedAt: r.decidedAt,
      note: r.note,
      issueUrl: r.issueUrl,
      snapshotFile,
      sha256: r.csvSha256,
      at: Date.parse(r.takenAt),
    };
  });
  const indexWeeks: EvidenceWeek[] = weeks.map((w) => {
    const next = w.start.getTime() + 7 * DAY_MS;
    const inWeek = entries.filter((e) => e.at >= w.start.getTime() && e.at < next).map(({ at: _at, ...e }) => e);
    const status = inWeek.length ? 'reviewed' : now.getTime() < next ? 'pending' : 'gap';
    return {
      label: `${isoWeek(w.start)} (${isoDay(w.start)} – ${isoDay(w.end)})`,
      start: isoDay(w.start),
      end: isoDay(w.end),
      status,
      reviews: inWeek,
    };
  });
  const count = (status: EvidenceWeek['status']) => indexWeeks.filter((w) => w.status === status).length;
  return {
    index: {
      quarter: parsed.quarter,
      generatedAt: now.toISOString(),
      weeks: indexWeeks,
      reviews: entries.length,
      reviewedWeeks: count('reviewed'),
      gapWeeks: count('gap'),
      pendingWeeks: count('pending'),
      undecided: entries.filter((e) => !e.decision).length,
    },
    snapshots,
  };
}
