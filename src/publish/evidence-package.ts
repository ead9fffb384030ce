// The quarter's evidence package as files: a folder per control with the files its capability renders, INDEX.md and
// index.json at the top, and MANIFEST.sha256 over every other file (`sha256sum -c MANIFEST.sha256` in the folder).
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { anchorsJsonl } from '../evidence/anchors.js';
import { auditJsonl } from '../evidence/audit-lines.js';
import type { QuarterEvidence } from '../evidence/package.js';
import { evidenceIndexMarkdown, postureChecksText, uptimeMonthText } from '../render/text/evidence.js';
import { deletionResultText, retentionFileBase, retentionReportText } from '../render/text/retention.js';
import { evidenceFiles } from './access-evidence.js';
import { approvalsEvidenceFiles } from './approvals-evidence.js';
import { changeEvidenceFiles } from './change-evidence.js';
import { drillEvidenceFiles } from './drill-evidence.js';

export interface PackageFile {
  /** Relative to the package folder, `/`-separated. */
  path: string;
  content: string | Buffer;
}

export const MANIFEST = 'MANIFEST.sha256';
export const AUDIT_LINES = 'audit/audit-events.jsonl';
export const AUDIT_ANCHORS = 'audit/anchors.jsonl';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');
const under = (folder: string, files: { filename: string; content: string | Buffer }[]): PackageFile[] =>
  files.map((f) => ({ path: `${folder}/${f.filename}`, content: f.content }));

function retentionFiles(e: QuarterEvidence): PackageFile[] {
  const used = new Set<string>();
  const files = e.sources.retention.reports.flatMap((report) => {
    let base = retentionFileBase(report);
    if (used.has(base)) base = `${base}_${report.id}`;
    used.add(base);
    return [
      { filename: `${base}.txt`, content: retentionReportText(report) },
      { filename: `${base}.json`, content: json(report) },
    ];
  });
  const deletions = e.sources.retention.deletions;
  const results = deletions.flatMap((d) => (d.result ? [`${deletionResultText(d.result)}\n`] : []));
  return under('data-retention', [
    ...files,
    { filename: 'deletions.json', content: json(deletions) },
    ...(results.length ? [{ filename: 'deletions.txt', content: results.join('\n') }] : []),
  ]);
}

/** Each control's files, by folder. */
function sectionFiles(e: QuarterEvidence): PackageFile[] {
  const s = e.sources;
  const q = e.quarter;
  const drillQuarter = {
    label: q,
    from: new Date(`${e.from}T00:00:00Z`),
    to: new Date(Date.parse(`${e.to}T00:00:00Z`) + 86_400_000),
  };
  return [
    ...under('restore-drills', drillEvidenceFiles(s.drills, drillQuarter, new Date(e.generatedAt)).files),
    ...under('access-reviews', [...evidenceFiles(s.access), { filename: 'index.json', content: json(s.access.index) }]),
    ...under('github-posture', [
      { filename: `posture_checks_${q}.txt`, content: postureChecksText(s.posture, q) },
      { filename: `posture_checks_${q}.json`, content: json(s.posture) },
    ]),
    ...under(
      'deploy-approvals',
      approvalsEvidenceFiles(s.approvals).map(({ filename, content }) => ({ filename, content })),
    ),
    ...under(
      'uptime',
      s.uptime.flatMap((m) => [
        { filename: `uptime_${m.env}_${m.month}.txt`, content: uptimeMonthText(m) },
        { filename: `uptime_${m.env}_${m.month}.json`, content: json(m) },
      ]),
    ),
    ...retentionFiles(e),
    ...under('change-control', changeEvidenceFiles(s.change)),
    { path: AUDIT_LINES, content: auditJsonl(e.audit.lines) },
    { path: AUDIT_ANCHORS, content: anchorsJsonl(e.audit.anchors) },
  ];
}

/** What an auditor's tools read: controls with gaps, the audit chain's figures, every file. */
export function evidenceIndexJson(e: QuarterEvidence, files: string[]) {
  return {
    quarter: e.quarter,
    from: e.from,
    to: e.to,
    generatedAt: e.generatedAt,
    gaps: e.controls.reduce((sum, c) => sum + c.gaps.length, 0),
    controls: e.controls,
    audit: {
      file: AUDIT_LINES,
      events: e.audit.lines.length,
      previousHash: e.audit.previousHash,
      last: e.audit.last ?? null,
      head: e.audit.head ?? null,
      anchorsFile: AUDIT_ANCHORS,
      anchors: e.audit.anchors.length,
    },
    files,
  };
}

export function evidencePackageFiles(e: QuarterEvidence): PackageFile[] {
  const sections = sectionFiles(e);
  const paths = ['INDEX.md', 'index.json', ...sections.map((f) => f.path)];
  const files = [
    { path: 'INDEX.md', content: evidenceIndexMarkdown(e, paths) },
    { path: 'index.json', content: json(evidenceIndexJson(e, paths)) },
    ...sections,
  ];
  const manifest = files.map((f) => `${sha256(f.content)}  ${f.path}\n`).join('');
  return [...files, { path: MANIFEST, content: manifest }];
}

/** Writes the files under dir (created when missing); returns how many bytes were written. */
export async function writeEvidencePackage(files: PackageFile[], dir: string): Promise<number> {
  let bytes = 0;
  for (const file of files) {
    const path = join(dir, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    bytes += Buffer.byteLength(file.content);
  }
  return bytes;
}
