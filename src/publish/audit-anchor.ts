// Anchoring the audit chain: the head appended to audit-anchors.jsonl in the backup storage and posted to
// SLACK_AUDIT_CHANNEL; and the anchors read back from that channel for `opsbot audit verify`.
import { chainHead } from '../audit/anchor.js';
import { ANCHOR_FILE, type AuditAnchor, appendAnchor, parseAnchor } from '../audit/anchors.js';
import type { AnchorSource } from '../audit/verify.js';
import { storageFor } from '../backup/backup.js';
import type { Deps } from '../deps.js';
import { anchorJsonIn, auditAnchorMessage } from '../render/blocks/audit.js';
import { type Chat, slackErrorCode } from '../slack/chat.js';

type AnchorDeps = Pick<Deps, 'db' | 'now' | 'config' | 'chat'>;
const HISTORY_PAGES = 5;

/**
 * Writes the chain's head to the file and, when one is set, to the channel. Both are tried; a failure of either is
 * thrown after. Returns the anchor (nothing while the chain is empty).
 */
export async function anchorAuditChain(deps: AnchorDeps): Promise<AuditAnchor | undefined> {
  const anchor = await chainHead(deps.db, deps.now);
  if (!anchor) return undefined;
  const { dir } = deps.config.backup;
  const channel = deps.config.audit.channel;
  const storage = deps.config.backup.s3 ? storageFor(deps.config) : undefined;
  const [file, posted, kept] = await Promise.allSettled([
    appendAnchor(dir, anchor),
    channel ? deps.chat.post(channel, auditAnchorMessage(anchor)) : Promise.resolve(),
    // One object per anchor, never replaced: under S3_OBJECT_LOCK_DAYS nobody can remove it before its retention.
    storage?.put(anchorObjectKey(anchor), `${JSON.stringify(anchor)}\n`),
  ]);
  const failed = [
    file.status === 'rejected' ? `${dir}/${ANCHOR_FILE}: ${(file.reason as Error).message}` : '',
    posted.status === 'rejected' ? `${channel}: ${slackErrorCode(posted.reason)}` : '',
    kept.status === 'rejected' ? `${storage?.location}: ${(kept.reason as Error).message}` : '',
  ].filter(Boolean);
  if (failed.length > 0)
    throw new Error(`the audit anchor of row ${anchor.seq} was not written to ${failed.join('; ')}`);
  return anchor;
}

const ANCHOR_PREFIX = '_anchors/';
const anchorObjectKey = (a: AuditAnchor) =>
  `${ANCHOR_PREFIX}${String(a.seq).padStart(12, '0')}-${a.at.replace(/[^0-9TZ]/g, '')}.json`;

/** The anchors kept as objects in BACKUP_STORAGE (s3://…), when it is set. */
export async function storageAnchors(config: Deps['config']): Promise<AnchorSource | undefined> {
  if (!config.backup.s3) return undefined;
  const storage = storageFor(config);
  const name = `${storage.location} ${ANCHOR_PREFIX}`;
  try {
    const objects = await storage.objects(ANCHOR_PREFIX);
    return { name, anchors: objects.flatMap((o) => parseAnchor(o.content.toString('utf8').trim()) ?? []) };
  } catch (error) {
    return { name, anchors: [], problem: (error as Error).message };
  }
}

/** The anchors opsbot posted to channel, from its recent history (newest first). */
export async function channelAnchors(chat: Pick<Chat, 'client'>, channel: string): Promise<AnchorSource> {
  const name = `Slack channel ${channel}`;
  const anchors: AuditAnchor[] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const answer = await chat.client.conversations.history({ channel, limit: 200, ...(cursor ? { cursor } : {}) });
      // Anyone in the channel could post an anchor-like line; a false one can only raise an alarm, never hide a gap.
      for (const message of answer.messages ?? []) {
        const json = anchorJsonIn(message.text);
        const anchor = json ? parseAnchor(json) : undefined;
        if (anchor) anchors.push(anchor);
      }
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor || anchors.length > 0) break;
    }
    return { name, anchors };
  } catch (error) {
    return { name, anchors, problem: slackErrorCode(error) };
  }
}
