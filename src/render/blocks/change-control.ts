// Change control -> Slack: the weekly digest with Reviewed / Flag, its modals, `latest`, and the evidence summary.
import type { ModalView } from '@slack/types';
import type { DigestEntry } from '../../change-control/digest.js';
import type { ChangeEvidenceIndex } from '../../change-control/evidence.js';
import type { ChangeDigest } from '../../change-control/store.js';
import { RULE_NAMES } from '../text/change-control.js';
import {
  actions,
  button,
  context,
  cut,
  fitMessage,
  header,
  type KnownBlock,
  type SlackMessage,
  section,
  sections,
  utcTime,
} from './kit.js';

export const changeIds = {
  reviewed: 'change-control.reviewed',
  flag: 'change-control.flag',
  reviewedModal: 'change-control.reviewed-modal',
  flagModal: 'change-control.flag-modal',
} as const;

/** GitHub's text (titles, logins) is data: Slack must not read `<!channel>` or `<url|…>` in it. */
export const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const when = (iso: string) => `${iso.slice(0, 10)} ${utcTime(new Date(iso))}`;
const link = (e: DigestEntry) => `<${esc(e.url)}|${esc(e.repo)}#${e.number}>`;

export function digestTitle(digest: Pick<ChangeDigest, 'report'>): string {
  const { report } = digest;
  return `Change control ${report.week} (${report.weekStart.slice(0, 10)} – ${new Date(Date.parse(report.weekEnd) - 86_400_000).toISOString().slice(0, 10)})`;
}

export function entryLine(e: DigestEntry): string {
  const base = `${link(e)} ${esc(e.title)} — ${esc(e.author)}`;
  if (e.group === 'exempted')
    return `${base}; exempted by ${e.exemptedBy ? `*${esc(e.exemptedBy)}* at ${when(e.exemptedAt ?? '')}` : 'unknown (no label event)'}`;
  if (e.group === 'non-compliant')
    return `${base}: ${e.failing.map((r) => `${RULE_NAMES[r.rule]}: ${esc(r.detail)}`).join('; ')}`;
  return base;
}

export function digestDecisionLine(digest: ChangeDigest): string | undefined {
  if (!digest.decision || !digest.decidedAt) return undefined;
  const note = digest.note
    ? ` — ${digest.decision === 'flagged' ? 'action items' : 'reason'}: ${esc(digest.note)}`
    : '';
  const by = `<@${digest.decidedBy}> at ${when(digest.decidedAt)}`;
  return digest.decision === 'reviewed' ? `✅ *Reviewed* by ${by}${note}` : `🚩 *Flagged* by ${by}${note}`;
}

export function digestMessage(digest: ChangeDigest): SlackMessage {
  const { report } = digest;
  const c = report.counts;
  const title = `📋 ${digestTitle(digest)}`;
  const group = (g: DigestEntry['group']) => report.entries.filter((e) => e.group === g).map(entryLine);
  const repos = report.repos
    .map(
      (r) =>
        `\`${esc(r.repo)}\` (${esc(r.defaultBranch)}): ${r.merged}${r.incomplete ? ` ⚠️ ${esc(r.incomplete)}` : ''}`,
    )
    .join(' · ');
  const decided = digestDecisionLine(digest);
  const blocks: KnownBlock[] = [
    header(title),
    section(
      `*${c.total}* merged into default branches: *${c.compliant}* compliant, *${c.exempted}* exempted, *${c.nonCompliant}* non-compliant\n${repos || 'No repositories in CHANGE_REPOS.'}`,
    ),
    section(`🚨 *Non-compliant* (${c.nonCompliant})`),
    ...sections(group('non-compliant').length ? group('non-compliant') : ['None.'], 12),
    section(`🏷️ *Exempted* (${c.exempted})`),
    ...sections(group('exempted').length ? group('exempted') : ['None.'], 12),
    section(`✅ *Compliant* (${c.compliant}): listed in the CSV in this thread`),
    context(
      `Digest \`${digest.id}\` · updated ${when(digest.updatedAt)} · CSV sha256 \`${digest.csvSha256.slice(0, 12)}…\``,
    ),
    decided
      ? section(decided)
      : actions(
          'change-control.decide',
          button('Reviewed', changeIds.reviewed, digest.id, 'primary'),
          button('Flag', changeIds.flag, digest.id, 'danger'),
        ),
  ];
  const summary = `${digestTitle(digest)}: ${c.total} merged, ${c.exempted} exempted, ${c.nonCompliant} non-compliant`;
  return { text: decided ? `${summary} — ${digest.decision}` : summary, blocks: fitMessage(blocks) };
}

export function alreadyDecidedDigestText(digest: ChangeDigest): string {
  return `This digest was already ${digest.decision} by <@${digest.decidedBy}> at ${when(digest.decidedAt ?? '')}${digest.note ? ` (${esc(digest.note)})` : ''}; nothing changed.`;
}

export function authorRefusalText(logins: string[]): string {
  return `You authored changes in this digest (${logins.map((l) => `\`${esc(l)}\``).join(', ')}), so another reviewer must decide it; nothing changed.`;
}

function modal(
  callbackId: string,
  title: string,
  submit: string,
  metadata: string,
  intro: string,
  field: string,
  label: string,
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: metadata,
    title: { type: 'plain_text', text: cut(title, 24) },
    submit: { type: 'plain_text', text: submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(intro),
      {
        type: 'input',
        block_id: field,
        label: { type: 'plain_text', text: label },
        element: { type: 'plain_text_input', action_id: field, multiline: true, max_length: 2000 },
      },
    ],
  };
}

/** Marking a week reviewed accepts its exemptions: the modal asks why. */
export function reviewedModal(digest: ChangeDigest, metadata: string): ModalView {
  const exempted = digest.report.entries
    .filter((e) => e.group === 'exempted')
    .slice(0, 5)
    .map(entryLine);
  const intro = `*${digestTitle(digest)}* has ${digest.report.counts.exempted} exempted changes:\n${exempted.join('\n')}`;
  return modal(
    changeIds.reviewedModal,
    'Mark digest reviewed',
    'Reviewed',
    metadata,
    intro,
    'reason',
    'Why are these exemptions accepted?',
  );
}

export function flagDigestModal(digest: ChangeDigest, metadata: string): ModalView {
  const intro = `*${digestTitle(digest)}*: what has to be done about it?`;
  return modal(changeIds.flagModal, 'Flag digest', 'Flag', metadata, intro, 'actionItems', 'Action items');
}

export function latestDigestText(digest: ChangeDigest | undefined, permalink?: string): string {
  if (!digest) return 'No change-control digest has been taken yet. Run `/change-control run` (reviewer role).';
  const c = digest.report.counts;
  return [
    `*${digestTitle(digest)}*: ${c.total} merged, ${c.compliant} compliant, ${c.exempted} exempted, ${c.nonCompliant} non-compliant`,
    digestDecisionLine(digest) ?? '⏳ Undecided: waiting for a reviewer.',
    permalink ? `<${permalink}|Thread>` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function changeEvidenceMessage(index: ChangeEvidenceIndex): SlackMessage {
  const title = `📦 Change-control evidence ${index.quarter}`;
  const summary = `${index.weeks.length} weeks: ${index.digests} with a digest, ${index.gapWeeks} gaps${index.pendingWeeks ? `, ${index.pendingWeeks} not due yet` : ''}; ${index.exemptions.length} exemptions, ${index.undecided} digests undecided`;
  const lines = index.weeks.map((w) =>
    w.status === 'gap'
      ? `❌ ${w.label}: *GAP* — no digest`
      : w.status === 'pending'
        ? `⏳ ${w.label}: not due yet`
        : `✅ ${w.label}: ${w.digest!.merged} merged, ${w.digest!.exempted} exempted — ${w.digest!.decision ?? 'undecided'}${w.digest!.reviewer ? ` by <@${w.digest!.reviewer}>` : ''}`,
  );
  return {
    text: `${title}: ${summary}`,
    blocks: fitMessage([
      header(title),
      section(summary),
      ...sections(lines, 10),
      context('The index (Markdown, CSV, JSON) and every digest CSV are in this thread.'),
    ]),
  };
}
