// The audit chain's anchors (`<BACKUP_DIR>/audit-anchors.jsonl`: `{"seq":N,"hash":"…","at":"…"[,"mac":"…"]}` per
// line), read tolerantly: a missing file is no anchors, and a line that is not an anchor is left out.
import { readFile } from 'node:fs/promises';

export interface Anchor {
  seq: number;
  hash: string;
  at: string;
  mac?: string;
}

export function parseAnchors(text: string): Anchor[] {
  const anchors: Anchor[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as Partial<Anchor>;
      if (!Number.isInteger(value.seq) || typeof value.hash !== 'string' || typeof value.at !== 'string') continue;
      anchors.push({
        seq: value.seq!,
        hash: value.hash,
        at: value.at,
        ...(typeof value.mac === 'string' ? { mac: value.mac } : {}),
      });
    } catch {
      // A torn last line (the writer was stopped mid-append) is not an anchor.
    }
  }
  return anchors;
}

export async function readAnchors(path: string): Promise<Anchor[]> {
  try {
    return parseAnchors(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export const anchorsJsonl = (anchors: Anchor[]) => anchors.map((a) => `${JSON.stringify(a)}\n`).join('');
