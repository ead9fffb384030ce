// The manifest written beside each dump: what the dump holds, computed in the snapshot the dump was taken in.
import type { AuditVerifyReport } from '../store/audit.js';
import type { TableSum } from './checksum.js';
import type { StoredFile } from './storage.js';

export const MANIFEST_FILE = 'manifest.json';
export const DUMP_DIR = 'dump';

export interface BackupManifest {
  version: 1;
  backupId: string;
  env: string;
  /** The source, password masked. */
  source: string;
  database: string;
  /** The source's encoding, given to the drill database so text comes back byte for byte. */
  encoding: string;
  serverVersion: string;
  pgDumpVersion: string;
  /** When the exported snapshot was taken, by the source server's clock. */
  snapshotAt: string;
  format: 'directory';
  compressionLevel: number;
  checksumAlgorithm: string;
  tables: TableSum[];
  /** Present when the source holds opsbot's hash-chained audit_events: the chain walked in the same snapshot. */
  auditChain?: AuditVerifyReport;
  files: StoredFile[];
  sizeBytes: number;
  /** Over every file of the dump (see combinedSha256). */
  sha256: string;
  dumpMs: number;
  checksumMs: number;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatAge(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** 2025-01-15T09:30:00.123Z -> 20250115T093000Z: file and folder names, sortable, in UTC. */
export function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
