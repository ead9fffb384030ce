// The evidence package as files: an index for people (Markdown) and for spreadsheets (CSV), beside the snapshots.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEvidence, type EvidenceIndex, type EvidencePackage } from '../access/evidence.js';
import { toCsvTable } from '../access/export.js';
import type { ReviewFile } from '../access/review.js';
import type { Deps } from '../deps.js';
import type { OperationSpec } from '../operate/spec.js';
import { evidenceMessage } from '../render/blocks/access.js';
import { githubMarkdown } from '../render/escape.js';
import type { MessageRef } from '../slack/chat.js';
import type { Actor } from '../store/runs.js';

const INDEX_COLUMNS = [
  'week',
  'week_start',
  'week_end',
  'status',
  'review_id',
  'taken_at',
  'app_users',
  'tenants',
  'github_members',
  'anomalies',
  'changes',
  'decision',
  'reviewer',
  'decided_at',
  'note',
  'issue_url',
  'snapshot_file',
  'snapshot_sha256',
];

export function evidenceIndexCsv(index: EvidenceIndex): string {
  const rows = index.weeks.flatMap((w) => {
    const week = [w.label.split(' ')[0], w.start, w.end, w.status === 'gap' ? 'GAP' : w.status];
    if (w.reviews.length === 0) return [week];
    return w.reviews.map((r) => [
      ...week,
      r.id,
      r.takenAt,
      r.counts.app_user.total,
      r.counts.tenant_setting.total,
      r.counts.github_member.total,
      r.anomalies,
      r.changes,
      r.decision ?? 'undecided',
      r.reviewer,
      r.decidedAt,
      r.note,
      r.issueUrl,
      r.snapshotFile,
      r.sha256,
    ]);
  });
  return toCsvTable(INDEX_COLUMNS, rows);
}

/** A table cell: foreign text on one line, with no pipe, HTML, mention or link of its own. */
const cell = (value: unknown) => githubMarkdown(value ?? '');

export function evidenceIndexMarkdown(index: EvidenceIndex): string {
  const lines = [
    `# Access review evidence ${index.quarter}`,
    '',
    `Generated ${index.generatedAt} by opsbot. ${index.weeks.length} weeks (Monday–Sunday, UTC; a week belongs to the quarter of its Sunday):`,
    `${index.reviewedWeeks} reviewed, ${index.gapWeeks} gaps, ${index.pendingWeeks} not due yet; ${index.reviews} reviews, ${index.undecided} undecided.`,
    '',
    '| Week | Status | Review date | Users / tenants / GitHub | Anomalies | Decision | Reviewer | Decided at | Note | Issue | Snapshot | sha256 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const w of index.weeks) {
    if (w.reviews.length === 0) {
      lines.push(
        `| ${w.label} | ${w.status === 'gap' ? '**GAP: no review**' : 'not due yet'} |  |  |  |  |  |  |  |  |  |  |`,
      );
      continue;
    }
    for (const r of w.reviews) {
      const counts = `${r.counts.app_user.total} / ${r.counts.tenant_setting.total} / ${r.counts.github_member.total}`;
      lines.push(
        `| ${w.label} | reviewed | ${r.date} | ${counts} | ${r.anomalies} | ${r.decision ?? 'undecided'} | ${cell(r.reviewer)} | ${cell(r.decidedAt)} | ${cell(r.note)} | ${r.issueUrl ?? ''} | ${r.snapshotFile} | \`${r.sha256}\` |`,
      );
    }
  }
  lines.push(
    '',
    'Check a snapshot with `sha256sum <file>`: it matches the sha256 above and the one shown in its review thread.',
  );
  return `${lines.join('\n')}\n`;
}

/** The index files first, then every snapshot. */
export function evidenceFiles(pkg: EvidencePackage): ReviewFile[] {
  const base = `access_evidence_${pkg.index.quarter}`;
  return [
    { filename: `${base}.md`, content: evidenceIndexMarkdown(pkg.index) },
    { filename: `${base}.csv`, content: evidenceIndexCsv(pkg.index) },
    ...pkg.snapshots,
  ];
}

/** Writes the package under dir/access_evidence_<quarter>/; returns the folder. */
export async function writeEvidence(pkg: EvidencePackage, dir: string): Promise<string> {
  const folder = join(dir, `access_evidence_${pkg.index.quarter}`);
  await mkdir(folder, { recursive: true });
  for (const file of evidenceFiles(pkg)) await writeFile(join(folder, file.filename), file.content);
  await writeFile(join(folder, 'index.json'), `${JSON.stringify(pkg.index, null, 2)}\n`);
  return folder;
}

/** Slack takes a handful of files per upload; a quarter has 13 snapshots and 2 index files. */
const FILES_PER_UPLOAD = 10;

/** Posts the evidence summary to SLACK_REVIEW_CHANNEL (or fallbackChannel) with every file in its thread. */
export async function publishEvidence(
  deps: Pick<Deps, 'config' | 'chat'>,
  pkg: EvidencePackage,
  fallbackChannel?: string,
): Promise<MessageRef | undefined> {
  const channel = deps.config.slack.reviewChannel ?? fallbackChannel;
  if (!channel) return undefined;
  const ref = await deps.chat.post(channel, evidenceMessage(pkg.index));
  const files = evidenceFiles(pkg);
  for (let i = 0; i < files.length; i += FILES_PER_UPLOAD) {
    const batch = files.slice(i, i + FILES_PER_UPLOAD);
    await deps.chat.upload(
      channel,
      ref.ts,
      batch,
      i === 0 ? `Evidence package ${pkg.index.quarter}: index and snapshots.` : undefined,
    );
  }
  return ref;
}

/** `/access-review evidence <quarter>` as an operation: reviewers only, `access-review.evidence` audited. */
export function evidenceOperation(
  deps: Deps,
  quarter: string,
  actor: Actor,
): OperationSpec<{ pkg: Awaited<ReturnType<typeof buildEvidence>>; ref?: MessageRef }> {
  return {
    kind: 'access-review.evidence',
    action: 'access-review.evidence',
    trigger: 'slash',
    actor,
    role: 'reviewer',
    what: '/access-review evidence',
    params: { quarter },
    run: async () => {
      const pkg = await buildEvidence(deps, quarter);
      if ('reason' in pkg) return { pkg };
      return { pkg, ref: await publishEvidence(deps, pkg, actor.channel) };
    },
    keep: ({ pkg }) => ('reason' in pkg ? { reason: pkg.reason } : { quarter, index: pkg.index }),
    auditOutcome: ({ pkg }) => ('reason' in pkg ? 'refused' : 'published'),
    auditParams: ({ pkg }) => ('reason' in pkg ? { reason: pkg.reason } : { gaps: pkg.index.gapWeeks }),
  };
}
