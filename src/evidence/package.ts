// The quarter's evidence as data: every control's records, its requirement and gaps, the quarter's audit lines with
// the chain head and anchors at export time. Rendering it to files (src/publish/evidence-package.ts) is separate.
import { parseQuarter } from '../access/evidence.js';
import { readAnchors } from '../audit/anchors.js';
import { GENESIS_HASH } from '../store/audit.js';
import type { Anchor } from './anchors.js';
import { type AuditLine, auditChainHead, auditLinesBetween, type ChainHead } from './audit-lines.js';
import { walkAuditLines } from './chain.js';
import { type ControlSummary, summarizeControls } from './controls.js';
import { type QuarterSources, readQuarterSources, type SourceDeps } from './sources.js';

const DAY_MS = 86_400_000;

export interface QuarterAudit {
  lines: AuditLine[];
  /** The hash the quarter's first line links to: the previous quarter's last, or the genesis hash. */
  previousHash: string;
  last?: { seq: number; hash: string };
  /** The chain's newest event when the package was made (after the quarter, for a past quarter). */
  head?: ChainHead;
  anchors: Anchor[];
}
export interface QuarterEvidence {
  quarter: string;
  /** First and last day, UTC. */
  from: string;
  to: string;
  generatedAt: string;
  sources: QuarterSources;
  audit: QuarterAudit;
  controls: ControlSummary[];
}

async function quarterAudit(deps: SourceDeps, from: Date, to: Date): Promise<QuarterAudit> {
  const lines = await auditLinesBetween(deps.db, from, to);
  const head = await auditChainHead(deps.db);
  const anchors = await readAnchors(deps.config.backup.dir);
  const last = lines.at(-1);
  return {
    lines,
    previousHash: lines[0]?.prev_hash ?? GENESIS_HASH,
    ...(last ? { last: { seq: last.seq, hash: last.hash } } : {}),
    ...(head ? { head } : {}),
    anchors: anchors.filter((a) => !head || a.seq <= head.seq),
  };
}

function auditControl(audit: QuarterAudit): ControlSummary {
  const walk = walkAuditLines(audit.lines, audit.previousHash);
  const first = audit.lines[0]?.seq;
  return {
    id: 'audit-log',
    title: 'Audit log',
    folder: 'audit',
    requirement: 'Every operation recorded in an append-only, hash-chained audit log.',
    inUse: true,
    happened: [
      audit.lines.length
        ? `${audit.lines.length} events, seq ${first} to ${audit.last!.seq}; chain head at export: seq ${audit.head?.seq}; ${audit.anchors.length} anchors.`
        : 'No audit event in this quarter.',
    ],
    gaps: walk.ok ? [] : [`The chain breaks at seq ${walk.seq}: the line ${walk.reason}.`],
  };
}

export async function buildQuarterEvidence(
  deps: SourceDeps,
  quarterText: string,
): Promise<QuarterEvidence | { reason: string }> {
  const parsed = parseQuarter(quarterText);
  if (!parsed.ok) return { reason: parsed.reason };
  const now = deps.now();
  const from = parsed.start;
  const to = new Date(parsed.end.getTime() + DAY_MS);
  const sources = await readQuarterSources(deps, parsed.quarter, from, to);
  const audit = await quarterAudit(deps, from, to);
  return {
    quarter: parsed.quarter,
    from: from.toISOString().slice(0, 10),
    to: parsed.end.toISOString().slice(0, 10),
    generatedAt: now.toISOString(),
    sources,
    audit,
    controls: [...summarizeControls(sources, deps.config, from, parsed.end, now), auditControl(audit)],
  };
}
