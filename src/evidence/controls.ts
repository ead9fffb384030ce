// Per control: what the runbook requires, what happened in the quarter, and every gap (a week without a review, a month
// without a passing drill, an emergency deploy without its retrospective approval, …). Periods not over yet are no gap.
import { quarterWeeks } from '../access/evidence.js';
import type { Config } from '../config-model.js';
import { type QuarterSources, quarterMonths } from './sources.js';

export type ControlId =
  | 'restore-drills'
  | 'access-reviews'
  | 'github-posture'
  | 'deploy-approvals'
  | 'uptime'
  | 'data-retention'
  | 'change-control'
  | 'audit-log';
export interface ControlSummary {
  id: ControlId;
  title: string;
  /** The control's folder in the package. */
  folder: string;
  requirement: string;
  /** Configured, or left records this quarter; a control not in use has no gaps. */
  inUse: boolean;
  happened: string[];
  gaps: string[];
}

const DAY_MS = 86_400_000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const monthEnd = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 1));
};

export function summarizeControls(
  s: QuarterSources,
  config: Config,
  quarterStart: Date,
  quarterEnd: Date,
  now: Date,
): ControlSummary[] {
  const months = quarterMonths(quarterStart);
  const over = (end: Date) => now.getTime() >= end.getTime();

  const passed = s.drills.filter((d) => d.outcome === 'PASS');
  const drills: ControlSummary = {
    id: 'restore-drills',
    title: 'Restore drills',
    folder: 'restore-drills',
    requirement: 'A passing restore drill every month (job `drill`, the 1st of each month).',
    inUse: config.backup.environments.length > 0 || s.drills.length > 0,
    happened: [
      `${plural(s.drills.length, 'drill')}: ${passed.length} PASS, ${s.drills.length - passed.length} not passing` +
        `${s.drills.length ? ` (${[...new Set(s.drills.map((d) => d.env))].sort().join(', ')})` : ''}.`,
    ],
    gaps: months.flatMap((month) => {
      const ran = s.drills.filter((d) => d.startedAt.toISOString().startsWith(month));
      if (ran.some((d) => d.outcome === 'PASS') || !over(monthEnd(month))) return [];
      return [`${month}: ${ran.length ? `no passing drill (${plural(ran.length, 'drill')}, none PASS)` : 'no drill'}.`];
    }),
  };

  const a = s.access.index;
  const access: ControlSummary = {
    id: 'access-reviews',
    title: 'Access reviews',
    folder: 'access-reviews',
    requirement: 'An access review every week (job `access-review`, Sundays), decided by a reviewer.',
    inUse: Boolean(config.access.databaseUrl || config.github.org) || a.reviews > 0,
    happened: [
      `${plural(a.reviews, 'review')} over ${a.weeks.length} weeks: ${a.reviewedWeeks} reviewed, ${a.gapWeeks} without a review, ${a.pendingWeeks} not due yet; ${a.undecided} undecided.`,
    ],
    gaps: a.weeks.filter((w) => w.status === 'gap').map((w) => `${w.label}: no access review.`),
  };

  const postureWeeks = quarterWeeks(quarterStart, quarterEnd);
  const posture: ControlSummary = {
    id: 'github-posture',
    title: 'GitHub posture',
    folder: 'github-posture',
    requirement: 'A GitHub 2FA posture check every week (job `posture`, Mondays), passing.',
    inUse: Boolean(config.github.token && config.github.org) || s.posture.length > 0,
    happened: [
      `${plural(s.posture.length, 'check')}: ${s.posture.filter((p) => p.report?.verdict === 'passed').length} passed, ${s.posture.filter((p) => p.report?.verdict === 'failed').length} failed.`,
    ],
    gaps: [
      ...postureWeeks.flatMap((w) => {
        const next = new Date(w.end.getTime() + DAY_MS);
        const ran = s.posture.some(
          (p) => Date.parse(p.startedAt) >= w.start.getTime() && Date.parse(p.startedAt) < next.getTime(),
        );
        return ran || !over(next) ? [] : [`Week of ${w.start.toISOString().slice(0, 10)}: no posture check.`];
      }),
      ...s.posture
        .filter((p) => p.report?.verdict === 'failed')
        .map(
          (p) =>
            `${p.startedAt.slice(0, 10)}: 2FA not enforced (${plural(p.report!.withoutTwoFactor.length, 'account')} without 2FA).`,
        ),
    ],
  };

  const c = s.approvals.counts;
  const approvals: ControlSummary = {
    id: 'deploy-approvals',
    title: 'Deploy approvals',
    folder: 'deploy-approvals',
    requirement: 'Every deploy approved before it runs; an emergency deploy approved after the fact.',
    inUse: Boolean(config.approvals.channel) || c.requests > 0,
    happened: [
      `${plural(c.requests, 'request')}: ${c.approved} approved, ${c.rejected} rejected, ${c.expired} expired, ${c.pending} pending; ${plural(c.emergencies, 'emergency deploy')}.`,
    ],
    gaps: s.approvals.requests
      .filter((r) => r.emergency && !r.retroApprovedAt)
      .map(
        (r) =>
          `Emergency deploy ${r.id} of ${r.env} (${r.ref}) on ${r.createdAt.slice(0, 10)}: no retrospective approval.`,
      ),
  };

  const uptime: ControlSummary = {
    id: 'uptime',
    title: 'Uptime / SLO',
    folder: 'uptime',
    requirement: `Availability of at least ${config.uptime.sloAvailability} % each month, measured every 5 minutes (job \`uptime\`).`,
    inUse: s.uptime.length > 0,
    happened: s.uptime.map(
      (m) =>
        `${m.env} ${m.month}: ${m.availability === undefined ? 'no data' : `${m.availability.toFixed(3)} %`}, ${plural(m.outages.length, 'outage')}, ${plural(m.maintenanceWindows.length, 'maintenance window')}.`,
    ),
    gaps: s.uptime.flatMap((m) => {
      if (!over(monthEnd(m.month))) return [];
      if (m.availability === undefined) return [`${m.env} ${m.month}: not measured.`];
      return m.sloMet ? [] : [`${m.env} ${m.month}: ${m.availability.toFixed(3)} %, below the SLO of ${m.slo} %.`];
    }),
  };

  const reports = s.retention.reports;
  const retention: ControlSummary = {
    id: 'data-retention',
    title: 'Data retention',
    folder: 'data-retention',
    requirement: 'A data retention report every month (job `retention`, the 1st of each month).',
    inUse: config.retention.policies.length > 0 || reports.length > 0,
    happened: [
      `${plural(reports.length, 'report')}, ${plural(s.retention.deletions.length, 'deletion')} (${s.retention.deletions.filter((d) => d.status === 'done').length} done).`,
    ],
    gaps: months.flatMap((month) =>
      reports.some((r) => r.takenAt.startsWith(month)) || !over(monthEnd(month))
        ? []
        : [`${month}: no retention report.`],
    ),
  };

  const ch = s.change.index;
  const change: ControlSummary = {
    id: 'change-control',
    title: 'Change control',
    folder: 'change-control',
    requirement: "A digest of the week's merged changes every week (job `change-control`, Mondays), reviewed.",
    inUse: config.changeControl.repos.length > 0 || ch.digests > 0,
    happened: [
      `${plural(ch.digests, 'digest')} over ${ch.weeks.length} weeks, ${ch.gapWeeks} without one; ${plural(ch.exemptions.length, 'exemption')}, ${ch.undecided} undecided.`,
    ],
    gaps: ch.weeks.filter((w) => w.status === 'gap').map((w) => `${w.label}: no change-control digest.`),
  };

  return [drills, access, posture, approvals, uptime, retention, change].map((control) =>
    control.inUse
      ? control
      : { ...control, happened: ['Not configured, and nothing was recorded in the quarter.'], gaps: [] },
  );
}
