// The quarter's change-control evidence as files (Markdown, CSV, JSON index with every file's sha256, and each week's
// digest CSV), posted to SLACK_COMPLIANCE_CHANNEL or written to a folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsvTable } from '../access/export.js';
import {
  buildChangeEvidence,
  type ChangeEvidenceIndex,
  type ChangeEvidencePackage,
} from '../change-control/evidence.js';
import { sha256 } from '../change-control/export.js';
import type { Deps } from '../deps.js';
import type { OperationSpec } from '../operate/spec.js';
import { changeEvidenceMessage } from '../render/blocks/change-control.js';
import { changeEvidenceMarkdown } from '../render/text/change-control.js';
import type { MessageRef, Upload } from '../slack/chat.js';
import type { Actor } from '../store/runs.js';

const WEEK_COLUMNS = [
  'week',
  'week_start',
  'week_end',
  'status',
  'digest_id',
  'merged',
  'compliant',
  'exempted',
  'non_compliant',
  'decision',
  'reviewer',
  'decided_at',
  'note',
  'digest_file',
  'digest_sha256',
];
const EXEMPTION_COLUMNS = [
  'week',
  'repo',
  'number',
  'title',
  'url',
  'author',
  'labelled_by',
  'labelled_at',
  'reason',
  'reviewer',
];

export function changeEvidenceCsv(index: ChangeEvidenceIndex): { weeks: string; exemptions: string } {
  const weeks = index.weeks.map((w) => {
    const d = w.digest;
    const head = [w.week, w.start, w.end, w.status === 'gap' ? 'GAP' : w.status];
    return d
      ? [
          ...head,
          d.id,
          d.merged,
          d.compliant,
          d.exempted,
          d.nonCompliant,
          d.decision ?? 'undecided',
          d.reviewer,
          d.decidedAt,
          d.note,
          d.csvFile,
          d.sha256,
        ]
      : head;
  });
  const exemptions = index.exemptions.map((e) => [
    e.week,
    e.repo,
    e.number,
    e.title,
    e.url,
    e.author,
    e.labelledBy,
    e.labelledAt,
    e.reason,
    e.reviewer,
  ]);
  return { weeks: toCsvTable(WEEK_COLUMNS, weeks), exemptions: toCsvTable(EXEMPTION_COLUMNS, exemptions) };
}

/** Index files first, then the digests; index.json names every other file with its sha256. */
export function changeEvidenceFiles(pkg: ChangeEvidencePackage): Upload[] {
  const base = `change_control_evidence_${pkg.index.quarter}`;
  const csv = changeEvidenceCsv(pkg.index);
  const files = [
    { filename: `${base}.md`, content: changeEvidenceMarkdown(pkg.index) },
    { filename: `${base}.csv`, content: csv.weeks },
    { filename: `${base}_exemptions.csv`, content: csv.exemptions },
    ...pkg.digests,
  ];
  const json = { ...pkg.index, files: files.map((f) => ({ filename: f.filename, sha256: sha256(f.content) })) };
  return [
    ...files.slice(0, 3),
    { filename: `${base}.json`, content: `${JSON.stringify(json, null, 2)}\n` },
    ...files.slice(3),
  ];
}

export async function writeChangeEvidence(pkg: ChangeEvidencePackage, dir: string): Promise<string> {
  const folder = join(dir, `change_control_evidence_${pkg.index.quarter}`);
  await mkdir(folder, { recursive: true });
  for (const file of changeEvidenceFiles(pkg)) await writeFile(join(folder, file.filename), file.content);
  return folder;
}

const FILES_PER_UPLOAD = 10;

export async function publishChangeEvidence(
  deps: Pick<Deps, 'config' | 'chat'>,
  pkg: ChangeEvidencePackage,
  fallbackChannel?: string,
): Promise<MessageRef | undefined> {
  const channel = deps.config.slack.complianceChannel ?? fallbackChannel;
  if (!channel) return undefined;
  const ref = await deps.chat.post(channel, changeEvidenceMessage(pkg.index));
  const files = changeEvidenceFiles(pkg);
  for (let i = 0; i < files.length; i += FILES_PER_UPLOAD)
    await deps.chat.upload(
      channel,
      ref.ts,
      files.slice(i, i + FILES_PER_UPLOAD),
      i === 0 ? `Change-control evidence ${pkg.index.quarter}.` : undefined,
    );
  return ref;
}

export function changeEvidenceOperation(
  deps: Pick<Deps, 'config' | 'chat' | 'db' | 'now'>,
  quarter: string,
  actor: Actor,
): OperationSpec<{ pkg: ChangeEvidencePackage | { reason: string }; ref?: MessageRef }> {
  return {
    kind: 'change-control.evidence',
    action: 'change-control.evidence',
    trigger: 'slash',
    actor,
    role: 'reviewer',
    what: '/change-control evidence',
    params: { quarter },
    run: async () => {
      const pkg = await buildChangeEvidence(deps, quarter);
      if ('reason' in pkg) return { pkg };
      return { pkg, ref: await publishChangeEvidence(deps, pkg, actor.channel) };
    },
    keep: ({ pkg }) => ('reason' in pkg ? { reason: pkg.reason } : { quarter, gaps: pkg.index.gapWeeks }),
    verdict: () => 'passed',
    auditOutcome: ({ pkg }) => ('reason' in pkg ? 'refused' : 'published'),
    auditParams: ({ pkg }) => ('reason' in pkg ? { reason: pkg.reason } : { gaps: pkg.index.gapWeeks }),
  };
}
