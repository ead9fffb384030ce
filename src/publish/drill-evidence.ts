// The quarter's restore-drill evidence for an auditor: every drill's report (.txt and .json) and an index that says
// what ran, what passed, which environments had no passing drill, and the sha256 of every file written.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DrillRun, drillsBetween } from '../drill/history.js';
import { formatAge, formatMs } from '../format.js';
import { drillReportText, evidenceBaseName } from '../render/text/drill.js';
import type { Db } from '../store/db.js';

export interface Quarter {
  label: string;
  from: Date;
  to: Date;
}
export interface EvidenceExport {
  dir: string;
  quarter: string;
  drills: number;
  passed: number;
  failed: number;
  /** Environments drilled in the quarter without a single PASS. */
  withoutPass: string[];
  files: string[];
}

/** `2025-Q3` -> July 1 to October 1 (UTC); undefined for anything else. */
export function parseQuarter(text: string): Quarter | undefined {
  const match = /^(\d{4})-Q([1-4])$/i.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const first = (Number(match[2]) - 1) * 3;
  return {
    label: `${year}-Q${match[2]}`,
    from: new Date(Date.UTC(year, first, 1)),
    to: new Date(Date.UTC(year, first + 3, 1)),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const day = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

export interface DrillEvidenceFiles {
  /** Every drill's report (.txt and .json), then INDEX.txt and index.json. */
  files: { filename: string; content: string }[];
  passed: number;
  withoutPass: string[];
}

/** The quarter's drill evidence as file texts: each run's report and an index; the package and the CLI write them. */
export function drillEvidenceFiles(runs: DrillRun[], quarter: Quarter, now: Date): DrillEvidenceFiles {
  const files: { filename: string; content: string }[] = [];
  const written: { name: string; sha256: string }[] = [];
  const filesOf = new Map<DrillRun, string>();
  const used = new Set<string>();
  for (const run of runs.filter((r) => r.report)) {
    let base = evidenceBaseName(run.report!);
    if (used.has(base)) base = `${base}_${run.runId}`;
    used.add(base);
    for (const [ext, content] of [
      ['txt', drillReportText(run.report!)],
      ['json', `${JSON.stringify(run.report, null, 2)}\n`],
    ] as const) {
      files.push({ filename: `${base}.${ext}`, content });
      written.push({ name: `${base}.${ext}`, sha256: sha256(content) });
    }
    filesOf.set(run, `${base}.txt/.json`);
  }
  const passed = runs.filter((r) => r.outcome === 'PASS').length;
  const envs = [...new Set(runs.map((r) => r.env))].sort();
  const withoutPass = envs.filter((env) => !runs.some((r) => r.env === env && r.outcome === 'PASS'));
  const lastDay = new Date(quarter.to.getTime() - 86_400_000).toISOString().slice(0, 10);
  const rows = runs.map((r) => [
    day(r.startedAt),
    r.env,
    r.outcome,
    r.runId,
    r.trigger,
    r.actor ?? '—',
    r.report?.backup?.id ?? '—',
    r.report?.backup ? formatAge(r.report.backup.ageSeconds) : '—',
    r.report?.timings.recoveryMs !== undefined ? formatMs(r.report.timings.recoveryMs) : '—',
    filesOf.get(r) ?? r.error ?? '—',
  ]);
  const header = [
    'started (UTC)',
    'env',
    'result',
    'run',
    'trigger',
    'by',
    'backup',
    'backup age',
    'recovery time',
    'report',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const index = [
    `Restore drill evidence, ${quarter.label} (${quarter.from.toISOString().slice(0, 10)} to ${lastDay}, UTC)`,
    `Exported ${now.toISOString()} by opsbot from its run records. Each drill restored the newest backup into a throw-away`,
    "database, compared every table's row count and content checksum with the manifest taken in the backup's snapshot,",
    'walked the audit chain where the database holds one, and dropped the copy.',
    '',
    `Summary: ${runs.length} drill${runs.length === 1 ? '' : 's'}: ${passed} PASS, ${runs.length - passed} not passing.`,
    `Environments drilled: ${envs.join(', ') || 'none'}.`,
    withoutPass.length
      ? `Environments WITHOUT a passing drill this quarter: ${withoutPass.join(', ')}.`
      : 'Every environment drilled has at least one PASS.',
    ...(runs.length === 0 ? ['No drill ran in this quarter: there is no restore evidence for it.'] : []),
    '',
    ...(rows.length ? [line(header), ...rows.map(line), ''] : []),
    'Files (sha256):',
    ...written.map((f) => `${f.sha256}  ${f.name}`),
  ].join('\n');
  files.push({ filename: 'INDEX.txt', content: `${index}\n` });
  const summary = {
    quarter: quarter.label,
    exportedAt: now.toISOString(),
    drills: runs.length,
    passed,
    withoutPass,
    files: written,
    runs: runs.map((r) => ({
      runId: r.runId,
      env: r.env,
      result: r.outcome,
      startedAt: r.startedAt.toISOString(),
      trigger: r.trigger,
      actor: r.actor,
      report: filesOf.get(r) ?? null,
      error: r.error,
    })),
  };
  files.push({ filename: 'index.json', content: `${JSON.stringify(summary, null, 2)}\n` });
  return { files, passed, withoutPass };
}

export async function exportDrillEvidence(db: Db, quarter: Quarter, dir: string, now: Date): Promise<EvidenceExport> {
  const runs = await drillsBetween(db, quarter.from, quarter.to);
  const { files, passed, withoutPass } = drillEvidenceFiles(runs, quarter, now);
  await mkdir(dir, { recursive: true });
  for (const file of files) await writeFile(join(dir, file.filename), file.content);
  return {
    dir,
    quarter: quarter.label,
    drills: runs.length,
    passed,
    failed: runs.length - passed,
    withoutPass,
    files: files.map((f) => f.filename),
  };
}
