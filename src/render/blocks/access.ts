import type { AccessDiff } from '../../access/diff.js';
import type { EvidenceIndex } from '../../access/evidence.js';
import type { SectionName } from '../../access/snapshot.js';
import type { AccessReview } from '../../access/store.js';
import { mrkdwnCode, mrkdwnInline } from '../escape.js';
import { countLines } from '../text/access-counts.js';
import {
  actions,
  button,
  context,
  cut,
  fitMessage,
  fitText,
  header,
  type KnownBlock,
  type SlackMessage,
  section,
  sections,
  slackDateTime,
  slackMention,
  utcTime,
} from './kit.js';
import { evidenceLine } from './run-ref.js';

export const accessIds = {
  approve: 'access-review.approve',
  flag: 'access-review.flag',
  approveModal: 'access-review.approve-modal',
  flagModal: 'access-review.flag-modal',
} as const;
/** The first few anomalies in the message; every one of them is in the CSV in the thread. */
export const ANOMALIES_SHOWN = 10;
const CHANGE_BLOCKS = 4;

const day = (iso: string) => iso.slice(0, 10);
export const when = (iso: string) => `${day(iso)} ${utcTime(new Date(iso))}`;
/** A moment in Slack: each reader's own zone, UTC as the fallback. */
const at = (iso: string) => slackDateTime(new Date(iso));
const who = (user: string | null) => (user ? slackMention(user) : 'the schedule');

export function decisionLine(review: AccessReview): string | undefined {
  if (!review.decision || !review.decidedAt) return undefined;
  const note = review.note
    ? ` — ${review.decision === 'flagged' ? 'action items' : 'reason'}: ${cut(mrkdwnInline(review.note), 2500)}`
    : '';
  return review.decision === 'approved'
    ? `✅ *Reviewed, no issues* — approved by ${who(review.decidedBy)} at ${at(review.decidedAt)}${note}`
    : `🚩 *Issue flagged* by ${who(review.decidedBy)} at ${at(review.decidedAt)}${note}`;
}

export function reviewTitle(review: Pick<AccessReview, 'takenAt'>): string {
  return `Weekly Access Review - ${day(review.takenAt)}`;
}

export function anomalyLines(review: AccessReview, shown = ANOMALIES_SHOWN): string[] {
  const lines = review.anomalies.slice(0, shown).map((a) => `⚠️ ${mrkdwnInline(a.message)}`);
  const more = review.anomalies.length - lines.length;
  if (more > 0) lines.push(`…and ${more.toLocaleString('en-US')} more: every anomaly is in the CSV in this thread`);
  return lines;
}

/** One line per section compared with an older snapshot than the previous one, which could not read it. */
export function comparedEarlierLines(diff: AccessDiff): string[] {
  return comparedEarlier(diff).map(
    ([name, at]) =>
      `\`${name}\` was not read on ${when(diff.previousAt ?? at)}; compared with the snapshot of ${when(at)}`,
  );
}

/** runUrl: the report page of the review's run, when report pages are configured. */
export function reviewMessage(review: AccessReview, runUrl?: string): SlackMessage {
  const { diff } = review;
  const title = `🔐 ${reviewTitle(review)}`;
  const changeLines =
    diff.previousAt === null
      ? ['First review: there is no previous snapshot to compare with.']
      : diff.changes.length === 0
        ? [`No changes since ${at(diff.previousAt)}.`]
        : diff.changes.map((c) => mrkdwnInline(c.detail));
  const notCompared = diff.notCompared.length
    ? [context(`Not compared (not read in this snapshot, or in none before it): ${diff.notCompared.join(', ')}`)]
    : [];
  const earlier = comparedEarlierLines(diff);
  const decided = decisionLine(review);
  const links = [
    `Review ${mrkdwnCode(review.id)}`,
    `requested by ${who(review.requestedBy)}`,
    ...(review.issueUrl ? [`<${review.issueUrl}|GitHub issue #${review.issueNumber}>`] : []),
    `CSV sha256 \`${review.csvSha256.slice(0, 12)}…\``,
  ];
  const blocks: KnownBlock[] = [
    header(title),
    section(countLines(review.counts).join('\n')),
    section(`*Changes${diff.previousAt ? ` since ${at(diff.previousAt)}` : ''}* (${diff.changes.length})`),
    ...sections(changeLines, CHANGE_BLOCKS),
    ...notCompared,
    ...(earlier.length ? [context(earlier.join('\n'))] : []),
    section(
      review.anomalies.length
        ? `*Anomalies* (${review.anomalies.length})\n${anomalyLines(review).join('\n')}`
        : '✅ *No anomalies*',
    ),
    context(
      links.join(' · '),
      ...(review.runId ? [evidenceLine({ id: review.runId, url: runUrl }, 'the snapshot CSV in this thread')] : []),
    ),
    decided
      ? section(decided)
      : actions(
          'access-review.decide',
          button('Approve', accessIds.approve, review.id, 'primary'),
          button('Flag issue', accessIds.flag, review.id, 'danger'),
        ),
  ];
  const summary = `${reviewTitle(review)}: ${review.anomalies.length} anomalies, ${diff.changes.length} changes`;
  return { text: decided ? `${summary} — ${review.decision}` : summary, blocks: fitMessage(blocks) };
}

export function alreadyDecidedText(review: AccessReview): string {
  const note = review.note ? ` (${cut(mrkdwnInline(review.note), 3000)})` : '';
  return fitText(
    `This review was already ${review.decision} by ${who(review.decidedBy)} at ${at(review.decidedAt ?? '')}${note}; nothing changed.`,
  );
}

/**
 * reviewers: user ids, user-group ids (`S…`, resolved from handles by the caller, since a plain `@ops` notifies
 * nobody), or a handle that could not be resolved, which is named as such.
 */
export function reminderText(review: AccessReview, hours: number, reviewers: string[]): string {
  const mention = (entry: string) =>
    /^([UW]|S)[A-Z0-9_]+$/.test(entry)
      ? slackMention(entry)
      : `${mrkdwnCode(cut(`@${entry.replace(/^@/, '')}`, 100))} (no such user group in Slack)`;
  const names = reviewers.length ? reviewers.map(mention).join(', ') : 'nobody: set OPSBOT_REVIEWERS';
  return `⏰ ${reviewTitle(review)} has waited over ${hours} h for a decision. Reviewers: ${names} — use *Approve* or *Flag issue* above.`;
}

export function latestReviewText(review: AccessReview | undefined, permalink?: string): string {
  if (!review) return 'No access review has been taken yet. Run `/access-review run` (reviewer role).';
  return fitText(
    [
      `*${reviewTitle(review)}* (${at(review.takenAt)}, requested by ${who(review.requestedBy)})`,
      ...countLines(review.counts).map((l) => `• ${l}`),
      `${review.diff.changes.length} changes, ${review.anomalies.length} anomalies`,
      decisionLine(review) ?? '⏳ Undecided: waiting for a reviewer.',
      [
        permalink ? `<${permalink}|Thread>` : '',
        review.issueUrl ? `<${review.issueUrl}|GitHub issue #${review.issueNumber}>` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

export function evidenceMessage(index: EvidenceIndex): SlackMessage {
  const title = `📦 Access review evidence ${index.quarter}`;
  const summary =
    `${index.weeks.length} weeks: ${index.reviewedWeeks} reviewed, ${index.gapWeeks} gaps` +
    `${index.pendingWeeks ? `, ${index.pendingWeeks} not due yet` : ''}; ${index.reviews} reviews, ${index.undecided} undecided`;
  const lines = index.weeks.map((w) =>
    w.status === 'gap'
      ? `❌ ${mrkdwnInline(w.label)}: *GAP* — no review`
      : w.status === 'pending'
        ? `⏳ ${mrkdwnInline(w.label)}: not due yet`
        : `✅ ${mrkdwnInline(w.label)}: ${w.reviews.map((r) => `${mrkdwnInline(r.date)} ${r.decision ?? 'undecided'}${r.reviewer ? ` by ${slackMention(r.reviewer)}` : ''}`).join('; ')}`,
  );
  return {
    text: `${title}: ${summary}`,
    blocks: fitMessage([
      header(title),
      section(summary),
      ...sections(lines, 10),
      context('The index (Markdown and CSV) and every snapshot CSV are in this thread.'),
    ]),
  };
}

/** Compared sections whose baseline is older than the previous snapshot (it could not read them), with its takenAt. */
export function comparedEarlier(diff: AccessDiff): [SectionName, string][] {
  return Object.entries(diff.comparedAt ?? {}).filter(([, at]) => at !== diff.previousAt) as [SectionName, string][];
}
