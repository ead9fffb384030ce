// The quarter's change-control evidence: every week with its digest and decision, the exemptions with who labelled
// them and the reason they were accepted, weeks without a digest as gaps, and each digest's CSV with its sha256.
import { parseQuarter, quarterWeeks } from '../access/evidence.js';
import type { Db } from '../store/db.js';
import { digestCsvName } from './export.js';
import { digestsBetween } from './store.js';
import { isoDay, weekStarting, weekTitle } from './week.js';

const DAY_MS = 86_400_000;

export interface EvidenceDigest {
  id: string;
  merged: number;
  compliant: number;
  exempted: number;
  nonCompliant: number;
  decision: string | null;
  reviewer: string | null;
  decidedAt: string | null;
  note: string | null;
  updatedAt: string;
  csvFile: string;
  sha256: string;
}
export interface EvidenceExemption {
  week: string;
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string;
  labelledBy: string | null;
  labelledAt: string | null;
  /** The reviewer's reason for accepting the week's exemptions. */
  reason: string | null;
  reviewer: string | null;
}
export interface ChangeEvidenceWeek {
  week: string;
  label: string;
  start: string;
  end: string;
  /** pending: the week has not ended, or its digest is not due yet (it is taken the Monday after). */
  status: 'digest' | 'gap' | 'pending';
  digest?: EvidenceDigest;
}
export interface ChangeEvidenceIndex {
  quarter: string;
  generatedAt: string;
  weeks: ChangeEvidenceWeek[];
  exemptions: EvidenceExemption[];
  digests: number;
  gapWeeks: number;
  pendingWeeks: number;
  undecided: number;
}
export interface ChangeEvidencePackage {
  index: ChangeEvidenceIndex;
  /** Each digest's CSV, exactly as it was uploaded to its thread. */
  digests: { filename: string; content: string }[];
}

export async function buildChangeEvidence(
  deps: { db: Db; now: () => Date },
  quarterText: string,
): Promise<ChangeEvidencePackage | { reason: string }> {
  const parsed = parseQuarter(quarterText);
  if (!parsed.ok) return { reason: parsed.reason };
  const now = deps.now();
  const weeks = quarterWeeks(parsed.start, parsed.end).map((w) => weekStarting(w.start));
  const stored = weeks.length ? await digestsBetween(deps.db, weeks[0]!.start, weeks.at(-1)!.end) : [];
  const byWeek = new Map(stored.map((d) => [d.week, d]));
  const files: ChangeEvidencePackage['digests'] = [];
  const exemptions: EvidenceExemption[] = [];
  const indexWeeks = weeks.map((w): ChangeEvidenceWeek => {
    const base = {
      week: w.label,
      label: weekTitle(w),
      start: isoDay(w.start),
      end: isoDay(new Date(w.end.getTime() - DAY_MS)),
    };
    const d = byWeek.get(w.label);
    if (!d) return { ...base, status: now.getTime() < w.end.getTime() + DAY_MS ? 'pending' : 'gap' };
    const csvFile = digestCsvName(d.week);
    files.push({ filename: csvFile, content: d.csv });
    for (const e of d.report.entries.filter((entry) => entry.group === 'exempted')) {
      exemptions.push({
        week: d.week,
        repo: e.repo,
        number: e.number,
        title: e.title,
        url: e.url,
        author: e.author,
        labelledBy: e.exemptedBy ?? null,
        labelledAt: e.exemptedAt ?? null,
        reason: d.decision === 'reviewed' ? d.note : null,
        reviewer: d.decidedBy,
      });
    }
    const { counts } = d.report;
    return {
      ...base,
      status: 'digest',
      digest: {
        id: d.id,
        merged: counts.total,
        compliant: counts.compliant,
        exempted: counts.exempted,
        nonCompliant: counts.nonCompliant,
        decision: d.decision,
        reviewer: d.decidedBy,
        decidedAt: d.decidedAt,
        note: d.note,
        updatedAt: d.updatedAt,
        csvFile,
        sha256: d.csvSha256,
      },
    };
  });
  const count = (status: ChangeEvidenceWeek['status']) => indexWeeks.filter((w) => w.status === status).length;
  return {
    index: {
      quarter: parsed.quarter,
      generatedAt: now.toISOString(),
      weeks: indexWeeks,
      exemptions,
      digests: count('digest'),
      gapWeeks: count('gap'),
      pendingWeeks: count('pending'),
      undecided: indexWeeks.filter((w) => w.digest && !w.digest.decision).length,
    },
    digests: files,
  };
}
