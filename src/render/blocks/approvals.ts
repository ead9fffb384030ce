// A deploy approval request -> its Slack message (checklist, links, approvals so far, expiry, Approve / Reject), the
// Reject modal, and the pending list of /approvals.
import type { ModalView } from '@slack/types';
import type { ApprovalRequest } from '../../approvals/request.js';
import { failingNames, mrkdwn, shortSha } from '../text/approvals.js';
import { actions, button, context, cut, fitMessage, header, type SlackMessage, section } from './kit.js';

export const approvalIds = {
  approve: 'approvals.approve',
  reject: 'approvals.reject',
  rejectModal: 'approvals.reject-modal',
} as const;

const CHECK_ICON = { passed: '✅', failed: '❌', pending: '⏳', skipped: '⚪' } as const;

/** `<!date^…>` shows the time in the reader's own zone; the fallback is for clients that cannot. */
export const slackDate = (iso: string) =>
  `<!date^${Math.floor(new Date(iso).getTime() / 1000)}^{date_short_pretty} {time}|${iso.slice(0, 16).replace('T', ' ')} UTC>`;

function statusLine(r: ApprovalRequest): string {
  const count = `${r.approvals.length} of ${r.required} approvals`;
  if (r.emergency)
    return r.retroApprovedAt
      ? `🚑 Emergency deploy, approved after the fact ${slackDate(r.retroApprovedAt)} (${count})`
      : `🚑 Emergency deploy without approval: retrospective approval needed (${count})`;
  if (r.status === 'approved') return `✅ *Approved* ${slackDate(r.decidedAt!)} (${count})`;
  if (r.status === 'rejected')
    return `⛔ *Rejected* by <@${r.rejectedBy}> ${slackDate(r.decidedAt!)}: ${mrkdwn(r.rejectReason ?? '')}`;
  if (r.status === 'expired') return `⌛ *Expired* ${slackDate(r.expiresAt)} with ${count}`;
  return `*${count}* · expires ${slackDate(r.expiresAt)}`;
}

export function approvalMessage(r: ApprovalRequest): SlackMessage {
  const title = `${r.emergency ? '🚑' : '🚀'} Deploy ${r.env}: ${r.ref} (${shortSha(r.sha)})`;
  const requester = r.requesterSlack ? `<@${r.requesterSlack}>` : `\`${mrkdwn(r.requestedBy)}\``;
  const facts = [
    `*${mrkdwn(r.title)}*`,
    `Environment \`${r.env}\` · ref \`${mrkdwn(r.ref)}\` · sha \`${shortSha(r.sha)}\` · requested by ${requester}`,
  ];
  const checks = r.checklist.map((c) => `${CHECK_ICON[c.state]} ${mrkdwn(c.name)}: ${c.state}`);
  const links = r.links.map((l) => `<${l.url.replace(/[<>|]/g, encodeURIComponent)}|${mrkdwn(l.name)}>`);
  const blocked = failingNames(r).length > 0 && !r.exemption;
  const votes = r.approvals.map((a) => `✅ <@${a.by}> ${slackDate(a.at)}`);
  const open = r.status === 'pending' || (r.emergency && !r.retroApprovedAt);
  const blocks = [
    header(title),
    section(facts.join('\n')),
    ...(checks.length ? [section(`*Checklist*\n${checks.join('\n')}`)] : []),
    ...(r.exemption ? [section(`⚠️ *Exemption:* ${mrkdwn(r.exemption)}`)] : []),
    ...(blocked ? [context('A failing check blocks Approve unless the request carries an exemption.')] : []),
    ...(links.length ? [context(links.join(' · '))] : []),
    section([statusLine(r), ...votes].join('\n')),
    ...(open
      ? [
          actions(
            `approvals:${r.id}`,
            button('Approve', approvalIds.approve, r.id, 'primary'),
            ...(r.status === 'pending' ? [button('Reject', approvalIds.reject, r.id, 'danger')] : []),
          ),
        ]
      : []),
    context(`Request \`${r.id}\``),
  ];
  return {
    text: cut(`${title}: ${r.approvals.length} of ${r.required} approvals, ${r.status}`, 3000),
    blocks: fitMessage(blocks),
  };
}

export function rejectModal(r: ApprovalRequest, metadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: approvalIds.rejectModal,
    private_metadata: metadata,
    title: { type: 'plain_text', text: 'Reject deploy' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `Reject the deploy of *${mrkdwn(r.ref)}* (\`${shortSha(r.sha)}\`) to \`${r.env}\`? This ends the request.`,
      ),
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: 'Why?' },
        element: {
          type: 'plain_text_input',
          action_id: 'reason',
          multiline: true,
          max_length: 1000,
          placeholder: { type: 'plain_text', text: 'e.g. the migration is not tested on a copy of production' },
        },
      },
    ],
  };
}

export function pendingListText(requests: ApprovalRequest[], link: (r: ApprovalRequest) => string | undefined): string {
  if (requests.length === 0) return 'No deploy is waiting for your approval.';
  const lines = requests.map((r) => {
    const url = link(r);
    const what = `${r.env} ${mrkdwn(r.ref)} (\`${shortSha(r.sha)}\`): ${mrkdwn(r.title)}`;
    return `• ${url ? `<${url}|${what}>` : what} · ${r.approvals.length} of ${r.required} · expires ${slackDate(r.expiresAt)}`;
  });
  return cut(
    `*${requests.length} deploy${requests.length === 1 ? '' : 's'} waiting for your approval*\n${lines.join('\n')}`,
    3000,
  );
}

export const approvalsUsage = (problem?: string) =>
  `${problem ? `${problem}\n` : ''}Usage: \`/approvals\` lists the deploys waiting for you; \`/approvals evidence 2026-Q3\` builds the quarter's evidence.`;
