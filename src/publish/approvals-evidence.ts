// The approvals evidence package: Markdown, CSV and JSON, each with its sha256, written to a folder (CLI) or
// uploaded to the deploy channel (/approvals evidence).
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsvTable } from '../access/export.js';
import type { ApprovalsEvidence } from '../approvals/evidence.js';
import type { ApprovalRequest } from '../approvals/request.js';
import { githubMarkdown } from '../render/escape.js';

export interface EvidenceFile {
  filename: string;
  content: string;
  sha256: string;
}

const COLUMNS = [
  'id',
  'created_at',
  'env',
  'ref',
  'sha',
  'title',
  'requested_by',
  'source',
  'checklist',
  'exemption',
  'emergency',
  'status',
  'decided_at',
  'approvers',
  'approved_at',
  'rejected_by',
  'reject_reason',
  'retro_approved_by',
  'retro_approved_at',
] as const;

const row = (r: ApprovalRequest) => [
  r.id,
  r.createdAt,
  r.env,
  r.ref,
  r.sha,
  r.title,
  r.requestedBy,
  r.source,
  r.checklist.map((c) => `${c.name}=${c.state}`).join(' '),
  r.exemption ?? '',
  r.emergency,
  r.status,
  r.decidedAt ?? '',
  r.approvals.map((a) => a.by).join(' '),
  r.approvals.map((a) => a.at).join(' '),
  r.rejectedBy ?? '',
  r.rejectReason ?? '',
  r.retroApprovedBy ?? '',
  r.retroApprovedAt ?? '',
];

function markdown(e: ApprovalsEvidence): string {
  const c = e.counts;
  const lines = [
    `# Deploy approvals evidence ${e.quarter}`,
    '',
    `Generated ${e.generatedAt}. ${c.requests} requests: ${c.approved} approved, ${c.rejected} rejected, ${c.expired} expired, ${c.pending} pending; ${c.exempted} with an exemption; ${c.emergencies} emergency deploys, ${c.retroMissing} still without a retrospective approval.`,
    '',
    '| created | env | ref | sha | requested by | status | approvers | notes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...e.requests.map((r) => {
      // Text opsbot did not write (reasons, exemptions, refs, check names) is escaped for GitHub Markdown, cell by
      // cell: no HTML, mentions, forged links or extra columns.
      const md = githubMarkdown;
      const notes = [
        r.exemption ? `exemption: ${md(r.exemption)}` : '',
        r.rejectReason ? `rejected by ${md(r.rejectedBy)}: ${md(r.rejectReason)}` : '',
        r.emergency
          ? r.retroApprovedAt
            ? `emergency, approved after the fact ${r.retroApprovedAt}`
            : '**emergency: retrospective approval needed**'
          : '',
        r.checklist
          .filter((k) => k.state !== 'passed')
          .map((k) => `${md(k.name)} ${k.state}`)
          .join(', '),
      ].filter(Boolean);
      const cells = [
        r.createdAt,
        md(r.env),
        md(r.ref),
        r.sha.slice(0, 7),
        md(r.requestedBy),
        r.status,
        r.approvals.map((a) => `${md(a.by)} ${a.at}`).join('; '),
        notes.join('; '),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export function approvalsEvidenceFiles(e: ApprovalsEvidence): EvidenceFile[] {
  const base = `approvals_${e.quarter}`;
  const files = [
    { filename: `${base}.md`, content: markdown(e) },
    { filename: `${base}.csv`, content: toCsvTable(COLUMNS, e.requests.map(row)) },
    { filename: `${base}.json`, content: `${JSON.stringify(e, null, 2)}\n` },
  ];
  return files.map((f) => ({ ...f, sha256: createHash('sha256').update(f.content).digest('hex') }));
}

/** Writes the files and a SHA256SUMS beside them; returns the folder. */
export async function writeApprovalsEvidence(e: ApprovalsEvidence, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const files = approvalsEvidenceFiles(e);
  for (const f of files) await writeFile(join(dir, f.filename), f.content);
  await writeFile(join(dir, 'SHA256SUMS'), `${files.map((f) => `${f.sha256}  ${f.filename}`).join('\n')}\n`);
  return dir;
}
