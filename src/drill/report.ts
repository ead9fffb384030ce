// The drill's report (the evidence an auditor reads) and its phases, as plain serialisable data.
import type { CheckResult } from '../smoke/check.js';
import type { ChainComparison, TableComparison } from './verify.js';

export type PhaseName = 'backup' | 'integrity' | 'restore' | 'verify' | 'smoke' | 'cleanup';
export type PhaseStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';
export interface Phase {
  name: PhaseName;
  status: PhaseStatus;
  /** What the phase found or did, with sizes and counts: `10 tables, 1,010,000 rows`. */
  detail?: string;
  ms?: number;
}

/** The drill's phases, in the order they run. */
export const PHASE_NAMES: readonly PhaseName[] = ['backup', 'integrity', 'restore', 'verify', 'smoke', 'cleanup'];

export interface DrillReport {
  kind: 'drill';
  verdict: 'PASS' | 'FAIL';
  /** Every reason for a FAIL, one sentence each; empty on PASS. */
  reasons: string[];
  runId: string;
  env: string;
  /** Source and drill server, password masked. */
  source: string;
  drillServer: string;
  drillDatabase: string;
  backup?: {
    id: string;
    path: string;
    storage: string;
    takenAt: string;
    ageSeconds: number;
    sizeBytes: number;
    sha256: string;
    sha256Verified: boolean;
    /** True when no backup existed and the drill took one first. */
    takenForThisDrill: boolean;
  };
  versions: { server?: string; pgDump?: string; pgRestore?: string; drillServer?: string };
  tables: TableComparison[];
  chain?: ChainComparison;
  /** checks: the smoke checks run against the restored copy's environment; lines: reports stored before them. */
  smoke?: { verdict: 'passed' | 'failed' | 'skipped'; reason?: string; checks?: CheckResult[]; lines?: string[] };
  /** How the checksums were computed (the manifest's algorithm, which the drill requires to be opsbot's own). */
  checksumAlgorithm?: string;
  phases: Phase[];
  timings: {
    backupAgeSeconds?: number;
    backupMs?: number;
    integrityMs?: number;
    restoreMs?: number;
    verifyMs?: number;
    smokeMs?: number;
    cleanupMs?: number;
    /** Restore + verify: how long it takes to get a verified copy back, the measured recovery time. */
    recoveryMs?: number;
    totalMs: number;
  };
  /** Whether opsbot_drill_<run id> was created, and then dropped. */
  databaseCreated: boolean;
  databaseDropped: boolean;
  startedAt: string;
  finishedAt: string;
}

export type DrillProgress = (report: DrillReport) => Promise<void> | void;

export function initialPhases(): Phase[] {
  return PHASE_NAMES.map((name) => ({ name, status: 'pending' }));
}
