// The target's row counts and schema version after a seed, and the plan of a dry run: data for the renderers.
import { maskSecrets } from '../redact.js';
import type { Db } from '../store/db.js';
import { plannedRowCounts } from './data.js';
import type { GuardVerdict } from './guards.js';
import type { SeedReport } from './report.js';
import { countPilotTables, pilotSchemaVersion } from './schema.js';

/** Counts every pilot table of the target into the report and its log; a failure to count is logged, not thrown. */
export async function summariseTarget(db: Db, report: SeedReport, log: (line: string) => void): Promise<void> {
  try {
    report.summary = await countPilotTables(db);
    report.schemaVersion = await pilotSchemaVersion(db);
    log(`\nTable row counts: ${report.summary.map((t) => `${t.table} ${t.rows}`).join(', ') || 'no pilot tables'}`);
    log(`Schema version: ${report.schemaVersion ?? 'none'}`);
  } catch (error) {
    log(`⚠️  Could not count the tables: ${maskSecrets((error as Error).message)}`);
  }
}

/** `--dry-run`: the guards' verdict and the rows each table would receive; nothing is connected to or written. */
export interface SeedPlan {
  verdict: GuardVerdict;
  env: string;
  prefix: string;
  count: number;
  planned: [table: string, rows: number][];
}

export function planSeed(verdict: GuardVerdict, env: string, prefix: string, count: number): SeedPlan {
  return { verdict, env, prefix, count, planned: Object.entries(plannedRowCounts(count)) };
}
