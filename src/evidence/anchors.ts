// The audit chain's anchors as a package carries them (`audit/anchors.jsonl`): the same lines as the bot's own
// `audit-anchors.jsonl` (src/audit/anchors.ts), read tolerantly: a line that is not an anchor is left out.
import { type AuditAnchor, parseAnchor } from '../audit/anchors.js';

export type Anchor = AuditAnchor;

export const parseAnchors = (text: string): Anchor[] => text.split('\n').flatMap((line) => parseAnchor(line) ?? []);

export const anchorsJsonl = (anchors: Anchor[]) => anchors.map((a) => `${JSON.stringify(a)}\n`).join('');
