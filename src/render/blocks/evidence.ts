// The /evidence answer in Slack: per control its status and gaps, as INDEX.md says them; the package is in the thread.
import type { QuarterEvidence } from '../../evidence/package.js';
import { mrkdwnInline } from '../escape.js';
import { context, fitMessage, fitText, header, type SlackMessage, sections } from './kit.js';

const gapCount = (n: number) => `${n} gap${n === 1 ? '' : 's'}`;

export function evidenceSummaryMessage(e: QuarterEvidence, files: number, bytes: number): SlackMessage {
  const gaps = e.controls.reduce((sum, c) => sum + c.gaps.length, 0);
  const title = `Evidence ${e.quarter}: ${e.controls.filter((c) => c.inUse).length} controls in use, ${gaps} gap${gaps === 1 ? '' : 's'}`;
  const lines = e.controls.flatMap((c) => [
    `${!c.inUse ? '➖' : c.gaps.length ? '❌' : '✅'} *${c.title}*: ${!c.inUse ? 'not in use' : c.gaps.length ? gapCount(c.gaps.length) : 'no gap'} — ${mrkdwnInline(c.requirement)}`,
    ...(c.inUse ? c.gaps.map((g) => `    • *GAP* ${mrkdwnInline(g)}`) : []),
  ]);
  const head = e.audit.head;
  return {
    text: fitText(`${title}.`),
    blocks: fitMessage([
      header(title),
      ...sections(lines, 40),
      context(
        `${e.from} to ${e.to} (UTC) · ${files} files, ${Math.ceil(bytes / 1024)} KiB · audit head ${head ? `seq ${head.seq} \`${head.hash.slice(0, 12)}…\`` : 'empty'} · check with \`opsbot evidence verify <folder>\``,
      ),
    ]),
  };
}
