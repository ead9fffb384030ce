// `opsbot audit verify`, as a report: the chain walked (links, hashes, macs with AUDIT_KEY) and compared with every
// anchor that could be read, so rows missing at the end, a rewritten head and a truncated table are named too.
import { type AuditVerifyReport, verifyAuditChain } from '../store/audit.js';
import type { Db } from '../store/db.js';
import type { AuditAnchor } from './anchors.js';

/** Anchors from one place (the file, the channel), and what could not be read there. */
export interface AnchorSource {
  name: string;
  anchors: AuditAnchor[];
  problem?: string;
}
export interface AuditCheckReport {
  chain: AuditVerifyReport;
  /** The anchor with the highest row (the newest when rows tie), and where it was read. */
  newest?: { anchor: AuditAnchor; source: string };
  /** Each a reason for exit 1. */
  problems: string[];
  /** Said beside an intact chain: what could not be checked, and why. */
  notes: string[];
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;

export async function checkAuditChain(
  db: Db,
  options: { key?: Buffer; sources: AnchorSource[] },
): Promise<AuditCheckReport> {
  const anchored = options.sources.flatMap((s) => s.anchors.map((anchor) => ({ anchor, source: s.name })));
  const chain = await verifyAuditChain(db, { key: options.key, anchorSeqs: anchored.map((a) => a.anchor.seq) });
  const problems: string[] = [];
  const notes = options.sources.flatMap((s) => (s.problem ? [`${s.name} could not be read: ${s.problem}`] : []));
  if (chain.brokenAt) problems.push(`row ${chain.brokenAt.seq}: ${chain.brokenAt.reason}`);
  if (chain.macs === 'unchecked')
    problems.push(
      `rows from ${chain.keyedFrom} on carry macs, but AUDIT_KEY is not set: the macs could not be checked, so a rewrite of the whole chain would go unseen. Run with AUDIT_KEY set.`,
    );
  if (options.key && chain.macs === 'none' && chain.rowsWalked > 0 && !chain.brokenAt)
    problems.push(
      'AUDIT_KEY is set, but no row carries a mac: the chain was never keyed, or its macs were stripped. (A bot started with AUDIT_KEY keys the chain at its next event.)',
    );

  const newest = anchored.sort((a, b) => b.anchor.seq - a.anchor.seq || b.anchor.at.localeCompare(a.anchor.at))[0];
  // Rows past a break were not walked: the break is the finding there.
  const walked = chain.brokenAt ? chain.brokenAt.seq - 1 : chain.rowsWalked;
  if (newest && newest.anchor.seq > chain.rowsWalked && !chain.brokenAt) {
    const { seq, at } = newest.anchor;
    problems.push(
      chain.rowsWalked === 0
        ? `the audit table is empty (truncated?) but was anchored at row ${seq} on ${at} (${newest.source})`
        : `the chain ends at row ${chain.rowsWalked} but was anchored at row ${seq} on ${at} (${newest.source}): rows ${chain.rowsWalked + 1}–${seq} are missing`,
    );
  }
  const mismatched = new Set<number>();
  for (const { anchor, source } of anchored) {
    const stored = chain.hashesAt[anchor.seq];
    if (anchor.seq > walked || stored === undefined || stored === anchor.hash || mismatched.has(anchor.seq)) continue;
    mismatched.add(anchor.seq);
    problems.push(
      `row ${anchor.seq} differs from its anchor of ${anchor.at} (${source}): anchored hash ${short(anchor.hash)}, the row's hash now ${short(stored)}`,
    );
  }
  if (!newest)
    notes.push(
      'No anchor was found, so only edits inside the chain can be detected, not rows missing at its end or a truncated table.',
    );
  return { chain, ...(newest ? { newest } : {}), problems, notes };
}
