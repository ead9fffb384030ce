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
