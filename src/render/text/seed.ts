// The seed's evidence as files and text: seed_log.txt, db_summary.txt and the shadow reports JSON (uploaded to the
// thread, printed by the CLI), and the dry run's plan.
import type { SeedReport } from '../../seed/report.js';
import type { SeedPlan } from '../../seed/summary.js';

const LINE = '-'.repeat(40);

/** A file of evidence: what the listener uploads to the thread (the shape of Chat's Upload). */
export interface EvidenceFile {
  filename: string;
  content: string;
  title: string;
}

/** The runbook's db_summary.txt: every pilot table with its row count, and the schema version. */
export function dbSummaryText(report: Pick<SeedReport, 'target' | 'summary' | 'schemaVersion'>): string {
  return [
    `Database: ${report.target}`,
    '',
    'Table Row Counts:',
    LINE,
    ...report.summary.map(({ table, rows }) => `${table.padEnd(30)}${String(rows).padStart(10)}`),
    LINE,
    '',
    `Schema Version: ${report.schemaVersion ?? 'none (the pilot schema is not there)'}`,
  ].join('\n');
}

export function seedLogText(report: Pick<SeedReport, 'log'>): string {
  return `${report.log.join('\n')}\n`;
}

/** The files a run leaves in its thread. */
export function seedEvidenceFiles(report: SeedReport): EvidenceFile[] {
  const day = report.startedAt.slice(0, 10);
  return [
    { filename: 'seed_log.txt', content: seedLogText(report), title: 'Seed log' },
    { filename: 'db_summary.txt', content: `${dbSummaryText(report)}\n`, title: 'Database summary' },
    ...(report.shadowReports.length > 0
      ? [
          {
            filename: `shadow_reports_${day}.json`,
            content: `${JSON.stringify(report.shadowReports, null, 2)}\n`,
            title: 'Shadow reports (7 days)',
          },
        ]
      : []),
  ];
}

/** `--dry-run`'s answer. */
export function dryRunText({ verdict, env, prefix, count, planned }: SeedPlan): string {
  if (!verdict.ok) return `Guards: REFUSED for ${env}: ${verdict.reason}\nNothing would be written.`;
  return [
    `Guards: passed for ${env} (${verdict.target.masked})`,
    `Would seed ${count} tenant${count === 1 ? '' : 's'} with prefix \`${prefix}\`, each with autopost off and threshold 0.90.`,
    '',
    'Rows each table would receive (upserted: rows already there are left as they are):',
    LINE,
    ...planned.map(([table, rows]) => `${table.padEnd(30)}${String(rows).padStart(10)}`),
    LINE,
    'Dry run: nothing was written.',
  ].join('\n');
}
