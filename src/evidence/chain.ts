// Re-walks audit lines as a chain, offline: each line's hash covers the previous hash and its own fields
// (src/store/audit.ts), each line links to the one before, and the first links to the hash the package says.
import { chainHash } from '../store/audit.js';
import type { AuditLine } from './audit-lines.js';

export type ChainCheck = { ok: true } | { ok: false; seq?: number; line: number; reason: string };

const FIELDS = ['seq', 'at', 'actor', 'channel', 'action', 'params', 'outcome', 'prev_hash', 'hash'] as const;

/** Parses one JSON line into an audit line, or says what is wrong with it. */
export function readAuditLine(text: string): AuditLine | string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (!value || typeof value !== 'object') return 'is not an audit event';
  const missing = FIELDS.filter((f) => !Object.hasOwn(value, f));
  if (missing.length) return `lacks ${missing.join(', ')}`;
  if (!Number.isInteger(value.seq)) return 'has no whole seq';
  return value as unknown as AuditLine;
}

/** Walks lines in order from previousHash: every hash recomputed, every link and sequence number checked. */
export function walkAuditLines(lines: AuditLine[], previousHash: string): ChainCheck {
  let prev = previousHash;
  let expectedSeq: number | undefined;
  for (const [i, line] of lines.entries()) {
    const broken = (reason: string): ChainCheck => ({ ok: false, seq: line.seq, line: i + 1, reason });
    if (expectedSeq !== undefined && line.seq !== expectedSeq)
      return broken(
        `expected seq ${expectedSeq} here: ${line.seq > expectedSeq ? 'lines are missing' : 'out of order'}`,
      );
    if (line.prev_hash !== prev)
      return broken(i === 0 ? 'does not link to the previous hash in index.json' : 'does not link to the line before');
    const { prev_hash: _prev, hash, ...row } = line;
    if (chainHash(prev, row) !== hash) return broken('was changed after it was written (its hash does not match)');
    prev = hash;
    expectedSeq = line.seq + 1;
  }
  return { ok: true };
}
