// Change control -> plain text and Markdown: the `check --pr` verdict for a terminal or CI log, and the quarter's
// evidence index for auditors.
import type { ChangeEvidenceIndex } from '../../change-control/evidence.js';
import type { ChangeVerdict, RuleId } from '../../change-control/rules.js';

export const RULE_NAMES: Record<RuleId, string> = {
  ticket: 'Ticket URL',
  label: 'Label',
  sections: 'Template sections',
  approval: 'Approval',
  checks: 'Checks',
};

/** One line per rule, then the verdict; control characters in GitHub's text cannot forge lines of their own. */
export function verdictText(verdict: ChangeVerdict): string {
  const clean = (text: string) => text.replace(/\p{Cc}+/gu, ' ');
  const head = `${verdict.repo}#${verdict.number} ${clean(verdict.title)} (by ${verdict.author})`;
  const lines = verdict.rules.map(
    (r) => `${r.ok ? 'PASS' : verdict.exempt ? 'EXEMPT' : 'FAIL'}  ${RULE_NAMES[r.rule]}: ${clean(r.detail)}`,
  );
  const failing = verdict.rules.filter((r) => !r.ok).length;
  const result = verdict.exempt
    ? `PASS: exempt (it carries the exempt label)${failing ? `; ${failing} rule${failing === 1 ? '' : 's'} not met, covered by the exemption` : ''}`
    : verdict.passed
      ? 'PASS: every rule met'
      : `FAIL: ${failing} of ${verdict.rules.length} rules not met`;
  return [head, ...lines, result].join('\n');
}

const cell = (value: unknown) =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\s*\n\s*/g, ' ');

export function changeEvidenceMarkdown(index: ChangeEvidenceIndex): string {
  const lines = [
    `# Change-control evidence ${index.quarter}`,
    '',
    `Generated ${index.generatedAt} by opsbot. ${index.weeks.length} weeks (Monday–Sunday, UTC; a week belongs to the quarter of its Sunday):`,
    `${index.digests} with a digest, ${index.gapWeeks} gaps, ${index.pendingWeeks} not due yet; ${index.undecided} digests undecided; ${index.exemptions.length} exemptions.`,
    '',
    '## Weeks',
    '',
    '| Week | Status | Merged | Compliant | Exempted | Non-compliant | Decision | Reviewer | Decided at | Reason / action items | Digest | sha256 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const w of index.weeks) {
    const d = w.digest;
    if (!d) {
      lines.push(
        `| ${w.label} | ${w.status === 'gap' ? '**GAP: no digest**' : 'not due yet'} |  |  |  |  |  |  |  |  |  |  |`,
      );
      continue;
    }
    lines.push(
      `| ${w.label} | digest | ${d.merged} | ${d.compliant} | ${d.exempted} | ${d.nonCompliant} | ${d.decision ?? 'undecided'} | ${cell(d.reviewer)} | ${cell(d.decidedAt)} | ${cell(d.note)} | ${d.csvFile} | \`${d.sha256}\` |`,
    );
  }
  lines.push('', '## Exemptions', '');
  if (index.exemptions.length === 0) lines.push('None.');
  else {
    lines.push(
      '| Week | Pull request | Author | Labelled by | Labelled at | Accepted because | Reviewer |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const e of index.exemptions)
      lines.push(
        `| ${e.week} | [${cell(e.repo)}#${e.number}](${cell(e.url)}) ${cell(e.title)} | ${cell(e.author)} | ${cell(e.labelledBy ?? 'unknown')} | ${cell(e.labelledAt)} | ${cell(e.reason ?? 'not reviewed')} | ${cell(e.reviewer)} |`,
      );
  }
  lines.push(
    '',
    'Check a digest with `sha256sum <file>`: it matches the sha256 above and the one shown in its thread.',
  );
  return `${lines.join('\n')}\n`;
}
