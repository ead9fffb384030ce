// The drill report as the plain-text evidence file an auditor reads (backup_restore_<UTC timestamp>.txt).

import type { DrillReport } from '../../drill/report.js';
import { compactUtc, formatAge, formatBytes, formatMs } from '../../format.js';
import { checkLines } from './smoke.js';

/** backup_restore_20250115T093012Z: the name of the .txt and .json evidence files of a drill. */
export function evidenceBaseName(report: Pick<DrillReport, 'finishedAt' | 'startedAt'>): string {
  return `backup_restore_${compactUtc(new Date(report.finishedAt || report.startedAt))}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

/** `pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)` -> `15.4`; the JSON report keeps the full text. */
const versionOf = (text: string | undefined) =>
  /\d+(\.\d+)*/.exec(text?.replace(/^.*?\(PostgreSQL\)/, '') ?? '')?.[0] ?? '—';
const ms = (value: number | undefined) => (value === undefined ? '—' : formatMs(value));

export function drillReportText(report: DrillReport): string {
  const b = report.backup;
  const lines = [
    `RESULT: ${report.verdict}`,
    `Restore drill of ${report.env}, run ${report.runId}, ${report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`,
    '',
    ...(report.reasons.length ? ['Reasons:', ...report.reasons.map((r) => `  - ${r}`), ''] : []),
    `Environment:   ${report.env}`,
    `Source:        ${report.source} (only read)`,
    `Drill server:  ${report.drillServer}`,
    `Drill database: ${report.drillDatabase} (${!report.databaseCreated ? 'not created' : report.databaseDropped ? 'created, then dropped' : 'created, NOT dropped yet: the janitor drops it'})`,
    ...(b
      ? [
          `Backup:        ${b.id} at ${b.path} (${b.storage})${b.takenForThisDrill ? ', taken for this drill: none existed' : ''}`,
          `  taken:       ${b.takenAt} (${formatAge(b.ageSeconds)} old at the drill)`,
          `  size:        ${formatBytes(b.sizeBytes)}`,
          `  sha256:      ${b.sha256} (matches the manifest: ${b.sha256Verified ? 'yes' : 'no'})`,
        ]
      : ['Backup:        none']),
    `Versions:      server ${versionOf(report.versions.server)} · pg_dump ${versionOf(report.versions.pgDump)} · ` +
      `pg_restore ${versionOf(report.versions.pgRestore)} · drill server ${versionOf(report.versions.drillServer)}`,
    '',
  ];
  if (report.tables.length) {
    lines.push(`Tables (${report.tables.length}): backup vs restored`);
    lines.push(
      ...table([
        ['table', 'rows (backup)', 'rows (restored)', 'checksum (backup)', 'checksum (restored)', 'result'],
        ...report.tables.map((t) => [
          `${t.schema}.${t.name}${t.hasPrimaryKey ? '' : ' (no primary key)'}`,
          String(t.sourceRows ?? '—'),
          String(t.restoredRows ?? '—'),
          t.sourceChecksum ?? '—',
          t.restoredChecksum ?? '—',
          t.ok ? 'ok' : `MISMATCH: ${t.problem}`,
        ]),
      ]),
    );
    lines.push('');
  }
  if (report.chain) {
    const c = report.chain;
    lines.push(
      `Audit chain:   ${c.ok ? 'OK' : `MISMATCH: ${c.problem}`}`,
      `  rows walked: ${c.sourceRows} in the backup, ${c.restoredRows ?? '—'} restored`,
      `  head hash:   ${c.sourceHead} in the backup`,
      `               ${c.restoredHead ?? '—'} restored`,
      '',
    );
  }
  if (report.smoke)
    lines.push(`Smoke checks:  ${report.smoke.verdict}`, ...smokeLines(report.smoke).map((l) => `  ${l}`), '');
  const t = report.timings;
  lines.push(
    'Timings:',
    ...table([
      ['backup age', t.backupAgeSeconds === undefined ? '—' : formatAge(t.backupAgeSeconds)],
      ...(t.backupMs !== undefined ? [['backup taken for this drill', ms(t.backupMs)]] : []),
      ['integrity check (sha256)', ms(t.integrityMs)],
      ['restore', ms(t.restoreMs)],
      ['verify', ms(t.verifyMs)],
      ['recovery time (restore + verify)', ms(t.recoveryMs)],
      ['smoke checks', ms(t.smokeMs)],
      ['drop', ms(t.cleanupMs)],
      ['total', ms(t.totalMs)],
    ]),
    '',
    ...(report.checksumAlgorithm ? [`Checksum: ${report.checksumAlgorithm}.`] : []),
    `Finished: ${report.finishedAt}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The smoke lines of a drill report: its checks, a skip's reason, or the lines stored by older reports. */
export function smokeLines(smoke: NonNullable<DrillReport['smoke']>): string[] {
  if (smoke.checks) return checkLines(smoke.checks, 'plain');
  return smoke.lines ?? (smoke.reason ? [smoke.reason] : []);
}
