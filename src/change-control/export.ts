// The digest as CSV, one row per merged pull request: the file in the digest's thread and in the quarter's evidence.
import { sha256, toCsvTable } from '../access/export.js';
import type { ChangeDigestReport } from './digest.js';

export { sha256 };

const COLUMNS = [
  'week',
  'repo',
  'number',
  'title',
  'url',
  'author',
  'merged_at',
  'group',
  'failing_rules',
  'exempted_by',
  'exempted_at',
] as const;

export const digestCsvName = (week: string) => `change_control_${week}.csv`;

export function digestCsv(report: ChangeDigestReport): string {
  return toCsvTable(
    COLUMNS,
    report.entries.map((e) => [
      report.week,
      e.repo,
      e.number,
      e.title,
      e.url,
      e.author,
      e.mergedAt,
      e.group,
      e.failing.map((r) => `${r.rule}: ${r.detail}`).join('; '),
      e.exemptedBy,
      e.exemptedAt,
    ]),
  );
}
