// The seed's evidence as files and text: seed_log.txt, db_summary.txt and the shadow reports JSON (uploaded to the
// thread, printed by the CLI), and the dry run's plan.
import { maskSecrets } from '../redact.js';
import type { Db } from '../store/db.js';
import { plannedRowCounts } from './data.js';
import type { GuardVerdict } from './guards.js';
import type { SeedReport } from './pilots.js';
import { countPilotTables, pilotSchemaVersion } from './schema.js';

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

/** Counts every pilot table of the target into the report and its log; a failure to count is logged, not thrown. */
export async function summariseTarget(db: Db, report: SeedReport, log: (line: string) => void): Promise<void> {
  try {
    report.summary = await countPilotTables(db);
    report.schemaVersion = await pilotSchemaVersion(db);
    log(`\nTable row counts: ${report.summary.map((t) => `${t.table} ${t.rows}`).join(', ') || 'no pilot tables'}`);
    log(`Schema version: ${report.schemaVersion ?? 'none'}`);
  } catch (error) {
    log(`⚠️  Could not count the tables: ${maskSecrets((error as Error).message)}`);
  }
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

/** `--dry-run`: the guards' verdict and the rows each table would receive; nothing is connected to or written. */
export function dryRunText(verdict: GuardVerdict, env: string, prefix: string, count: number): string {
  if (!verdict.ok) return `Guards: REFUSED for ${env}: ${verdict.reason}\nNothing would be written.`;
  const planned = Object.entries(plannedRowCounts(count));
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
