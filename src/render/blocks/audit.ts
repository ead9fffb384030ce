// The audit chain's anchor as a Slack message: a line for people, and the anchor's JSON in a code span for
// `opsbot audit verify`, which reads it back from the channel's history.
import type { AuditAnchor } from '../../audit/anchors.js';
import type { SlackMessage } from './kit.js';

export const ANCHOR_TITLE = 'Audit chain anchored';

/** Every value is opsbot's own (a row number, hex hashes, an ISO time): nothing to escape. */
export function auditAnchorMessage(anchor: AuditAnchor): SlackMessage {
  return {
    text: `🔒 ${ANCHOR_TITLE} at row ${anchor.seq} (${anchor.at}) \`${JSON.stringify(anchor)}\``,
  };
}

/** The anchor in a message this renderer wrote, or undefined. */
export function anchorJsonIn(text: string | undefined): string | undefined {
  if (!text?.includes(ANCHOR_TITLE)) return undefined;
  return /`(\{"seq":[^`]*\})`/.exec(text)?.[1];
}
