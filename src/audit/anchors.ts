// Where the audit chain's head is anchored outside the bot's database: `audit-anchors.jsonl` in the backup storage,
// one JSON line per anchor. A small interface, so another storage (S3) can take the file's place.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The chain's head at a moment: its last row, that row's hash (and mac when keyed), and when it was read. */
export interface AuditAnchor {
  seq: number;
  hash: string;
  at: string;
  mac?: string;
}

export const ANCHOR_FILE = 'audit-anchors.jsonl';

/** A line that reads as an anchor, or undefined (a torn last line, a line somebody else wrote). */
export function parseAnchor(text: string): AuditAnchor | undefined {
  try {
    const value = JSON.parse(text) as Partial<AuditAnchor>;
    if (!Number.isSafeInteger(value.seq) || (value.seq ?? 0) < 1) return undefined;
    if (typeof value.hash !== 'string' || !/^[0-9a-f]{64}$/.test(value.hash)) return undefined;
    if (typeof value.at !== 'string' || Number.isNaN(Date.parse(value.at))) return undefined;
    const mac = typeof value.mac === 'string' && /^[0-9a-f]{64}$/.test(value.mac) ? value.mac : undefined;
    return { seq: value.seq as number, hash: value.hash, at: value.at, ...(mac ? { mac } : {}) };
  } catch {
    return undefined;
  }
}

/** Every anchor in dir's file, oldest first; none when the file does not exist. */
export async function readAnchors(dir: string): Promise<AuditAnchor[]> {
  let text: string;
  try {
    text = await readFile(join(dir, ANCHOR_FILE), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  return text.split('\n').flatMap((line) => parseAnchor(line) ?? []);
}

/** Appends one line; O_APPEND keeps concurrent writers' lines whole. */
export async function appendAnchor(dir: string, anchor: AuditAnchor): Promise<void> {
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, ANCHOR_FILE), `${JSON.stringify(anchor)}\n`, { encoding: 'utf8', flag: 'a' });
}
