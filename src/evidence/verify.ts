// `opsbot evidence verify DIR`: the package checked offline, with nothing but its own files: every file against
// MANIFEST.sha256, nothing unlisted, and the audit lines re-walked as a hash chain to the head index.json names.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseAnchors } from './anchors.js';
import type { AuditLine } from './audit-lines.js';
import { readAuditLine, walkAuditLines } from './chain.js';

export interface VerifyProblem {
  file: string;
  /** For an audit line: its sequence number (or the line number when it has none). */
  seq?: number;
  reason: string;
}
export interface EvidenceVerifyReport {
  ok: boolean;
  files: number;
  events: number;
  problems: VerifyProblem[];
}

const MANIFEST = 'MANIFEST.sha256';
const AUDIT_LINES = 'audit/audit-events.jsonl';
const AUDIT_ANCHORS = 'audit/anchors.jsonl';

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? listFiles(join(dir, e.name), root) : [relative(root, join(dir, e.name)).split(sep).join('/')],
    ),
  );
  return nested.flat();
}

async function checkManifest(dir: string, problems: VerifyProblem[]): Promise<number> {
  let manifest: string;
  try {
    manifest = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    problems.push({ file: MANIFEST, reason: 'is missing: this folder is not an opsbot evidence package' });
    return 0;
  }
  const listed = new Set<string>();
  for (const [i, line] of manifest.split('\n').entries()) {
    if (!line) continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) {
      problems.push({ file: MANIFEST, reason: `line ${i + 1} is not \`<sha256>  <file>\`` });
      continue;
    }
    const [, expected, path] = match as unknown as [string, string, string];
    listed.add(path);
    let content: Buffer;
    try {
      content = await readFile(join(dir, ...path.split('/')));
    } catch {
      problems.push({ file: path, reason: 'is listed in the manifest but missing' });
      continue;
    }
    if (createHash('sha256').update(content).digest('hex') !== expected)
      problems.push({ file: path, reason: 'does not match its sha256 in the manifest: it was changed' });
  }
  for (const path of await listFiles(dir))
    if (path !== MANIFEST && !listed.has(path)) problems.push({ file: path, reason: 'is not in the manifest' });
  return listed.size;
}

interface IndexAudit {
  previousHash?: string;
  last?: { seq: number; hash: string } | null;
  head?: { seq: number; hash: string } | null;
}

async function checkAudit(dir: string, problems: VerifyProblem[]): Promise<number> {
  let audit: IndexAudit;
  try {
    audit = (JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { audit?: IndexAudit }).audit ?? {};
  } catch {
    problems.push({ file: 'index.json', reason: 'is missing or not JSON: the audit head cannot be checked' });
    return 0;
  }
  let text: string;
  try {
    text = await readFile(join(dir, AUDIT_LINES), 'utf8');
  } catch {
    problems.push({ file: AUDIT_LINES, reason: 'is missing' });
    return 0;
  }
  const lines: AuditLine[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    if (!raw) continue;
    const line = readAuditLine(raw);
    if (typeof line === 'string') {
      problems.push({ file: AUDIT_LINES, reason: `line ${i + 1} ${line}` });
      return lines.length;
    }
    lines.push(line);
  }
  if (typeof audit.previousHash !== 'string') {
    problems.push({ file: 'index.json', reason: 'names no audit.previousHash to start the chain from' });
    return lines.length;
  }
  const walk = walkAuditLines(lines, audit.previousHash);
  if (!walk.ok) problems.push({ file: AUDIT_LINES, seq: walk.seq, reason: `line ${walk.line} ${walk.reason}` });
  const last = lines.at(-1);
  const expected = audit.last ?? null;
  if ((last?.seq ?? null) !== (expected?.seq ?? null) || (last?.hash ?? null) !== (expected?.hash ?? null))
    problems.push({
      file: AUDIT_LINES,
      ...(last ? { seq: last.seq } : {}),
      reason: `its last line is not the one index.json names (seq ${expected?.seq ?? 'none'}): lines were removed or added at the end`,
    });
  if (last && audit.head && audit.head.seq === last.seq && audit.head.hash !== last.hash)
    problems.push({ file: AUDIT_LINES, seq: last.seq, reason: 'its last line is not the chain head in index.json' });
  const bySeq = new Map(lines.map((l) => [l.seq, l.hash]));
  const anchors = parseAnchors(await readFile(join(dir, AUDIT_ANCHORS), 'utf8').catch(() => ''));
  for (const anchor of anchors) {
    const hash = bySeq.get(anchor.seq);
    if (hash !== undefined && hash !== anchor.hash)
      problems.push({ file: AUDIT_ANCHORS, seq: anchor.seq, reason: 'the anchor does not match the audit line' });
  }
  return lines.length;
}

export async function verifyEvidencePackage(dir: string): Promise<EvidenceVerifyReport> {
  const problems: VerifyProblem[] = [];
  const files = await checkManifest(dir, problems);
  const events = await checkAudit(dir, problems);
  return { ok: problems.length === 0, files, events, problems };
}
