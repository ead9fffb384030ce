// The evidence package's own texts: INDEX.md (per control: requirement, what happened, gaps, files), the uptime
// month reports and the posture checks, which have no evidence file of their own elsewhere.
import type { ControlSummary } from '../../evidence/controls.js';
import type { QuarterEvidence } from '../../evidence/package.js';
import type { PostureRun } from '../../evidence/sources.js';
import { formatDuration } from '../../format.js';
import type { MonthlyAvailability } from '../../uptime/monthly.js';
import { githubCode, githubMarkdown } from '../escape.js';

const gapCount = (n: number) => `${n} gap${n === 1 ? '' : 's'}`;

const md = githubMarkdown;

function controlSection(control: ControlSummary, files: string[]): string[] {
  const status = !control.inUse
    ? 'not in use'
    : control.gaps.length
      ? `**${gapCount(control.gaps.length)}**`
      : 'no gap';
  return [
    `## ${control.title}: ${status}`,
    '',
    `Required: ${md(control.requirement)}`,
    '',
    ...control.happened.map((line) => `- ${md(line)}`),
    ...(control.inUse && control.gaps.length
      ? ['', 'Gaps:', ...control.gaps.map((gap) => `- **GAP** ${md(gap)}`)]
      : []),
    '',
    `Files (${files.length}): ${files.length ? files.map((f) => githubCode(f)).join(', ') : 'none'}`,
    '',
  ];
}

/** files: every file of the package by path, for listing each control's own. */
export function evidenceIndexMarkdown(e: QuarterEvidence, files: string[]): string {
  const gaps = e.controls.reduce((sum, c) => sum + c.gaps.length, 0);
  const head = e.audit.head;
  return [
    `# Evidence ${e.quarter} (${e.from} to ${e.to}, UTC)`,
    '',
    `Generated ${e.generatedAt} by opsbot. ${e.controls.filter((c) => c.inUse).length} controls in use, ${gapCount(gaps)} in all.`,
    '',
    '| Control | Required | Status |',
    '| --- | --- | --- |',
    ...e.controls.map(
      (c) =>
        `| ${c.title} | ${md(c.requirement)} | ${!c.inUse ? 'not in use' : c.gaps.length ? `**${gapCount(c.gaps.length)}**` : 'no gap'} |`,
    ),
    '',
    ...e.controls.flatMap((c) =>
      controlSection(
        c,
        files.filter((f) => f.startsWith(`${c.folder}/`)),
      ),
    ),
    '## Checking this package',
    '',
    `Audit chain head at export: ${head ? `seq ${head.seq}, hash \`${head.hash}\`, ${head.at}` : 'the log is empty'}.`,
    `The quarter's audit lines link to \`${e.audit.previousHash}\`; ${e.audit.anchors.length} anchor(s) in \`audit/anchors.jsonl\`.`,
    '',
    '- `sha256sum -c MANIFEST.sha256` (in this folder) checks every file.',
    '- `opsbot evidence verify <this folder>` checks the files and re-walks the audit lines as a hash chain; it needs no configuration.',
    '',
  ].join('\n');
}

export function uptimeMonthText(m: MonthlyAvailability): string {
  const pct = m.availability === undefined ? 'not measured' : `${m.availability.toFixed(3)} %`;
  return [
    `Availability of ${m.env}, ${m.month} (UTC)`,
    `SLO: ${m.slo} % · measured: ${pct} · ${m.sloMet === undefined ? 'no verdict' : m.sloMet ? 'SLO met' : 'SLO MISSED'}`,
    `Rounds outside maintenance: ${m.rounds}, up: ${m.upRounds}; rounds in maintenance: ${m.maintenanceRounds}`,
    m.outages.length ? 'Outages:' : 'No outages.',
    ...m.outages.map((o) => `  ${o.startedAt} to ${o.endedAt ?? 'ongoing'}: ${formatDuration(o.durationMs)}`),
    m.maintenanceWindows.length ? 'Maintenance windows:' : 'No maintenance windows.',
    ...m.maintenanceWindows.map(
      (w) => `  ${w.startsAt} to ${w.endsAt}: ${w.reason.replace(/\s+/g, ' ')} (by ${w.createdBy})`,
    ),
    '',
  ].join('\n');
}

export function postureChecksText(runs: PostureRun[], quarter: string): string {
  return [
    `GitHub posture checks, ${quarter}`,
    '',
    ...(runs.length ? [] : ['No posture check ran in this quarter.']),
    ...runs.map((r) => {
      const p = r.report;
      if (!p) return `${r.startedAt}  ${r.status.toUpperCase()}  (no report) ${r.runId}`;
      const without = p.withoutTwoFactor.map((w) => `${w.login} (${w.kind})`).join(', ');
      return `${r.startedAt}  ${p.verdict.toUpperCase()}  org ${p.org ?? '—'}, 2FA required: ${p.twoFactorRequired ?? 'unknown'}${without ? `, without 2FA: ${without}` : ''}${p.scopeProblem ? `, ${p.scopeProblem}` : ''}  ${r.runId}`;
    }),
    '',
  ].join('\n');
}
