// The seed's report (the runbook's seed_log.txt, db_summary.txt and shadow reports, as data) and its steps.
import type { ShadowReport } from './shadow.js';
import type { UpsertCounts } from './upsert.js';

export type SeedStepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'warning' | 'failed';
export interface SeedStep {
  number: number;
  title: string;
  status: SeedStepStatus;
  /** One line on what the step did, or why it failed. */
  detail?: string;
  durationMs?: number;
}
export interface SeedReport {
  verdict: 'passed' | 'failed';
  env?: string;
  /** The target URL, password masked. */
  target: string;
  prefix: string;
  count: number;
  tenants: string[];
  steps: SeedStep[];
  /** Set when verdict is failed: the transaction was rolled back, so nothing of this run was written. */
  failure?: { step: number; title: string; reason: string };
  written: Record<string, UpsertCounts>;
  migrationsApplied: string[];
  /** Every pilot table and its row count after the run (the runbook's db_summary.txt). */
  summary: { table: string; rows: number }[];
  schemaVersion?: string;
  shadowReports: ShadowReport[];
  rollupDay?: string;
  /** The seed_log.txt lines. */
  log: string[];
  startedAt: string;
  finishedAt: string;
}
export const SEED_STEP_TITLES = [
  'Migrations',
  'Tenants and demo data',
  'Notifications',
  'Shadow reports',
  'Analytics rollup',
];
