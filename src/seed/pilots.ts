// seedPilots: the runbook's five steps against one target database, in one transaction, as a plain SeedReport.
// It does not check the guards: callers run checkSeedTarget first (tests may call it on any throw-away database).
import type { Deps } from '../deps.js';
import { maskSecrets, maskUrl } from '../redact.js';
import type { Db } from '../store/db.js';
import { postgresDb } from '../store/postgres.js';
import { tenantIds } from './data.js';
import { applyPilotSchema, countPilotTables, pilotSchemaVersion } from './schema.js';
import { rollupDay, type ShadowReport, shadowReports } from './shadow.js';
import { seedTenantsAndData, testNotifications } from './steps.js';
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
export interface SeedOptions {
  prefix: string;
  count: number;
  env?: string;
  /** Called whenever a step starts or ends, with every step's state (the progress message). */
  onProgress?: (steps: SeedStep[]) => Promise<void> | void;
  /** Called with each log line as it is written (the CLI prints them). */
  onLog?: (line: string) => void;
}
export type SeedDeps = Partial<Pick<Deps, 'now' | 'mail' | 'hooks' | 'log'>>;

export const SEED_STEP_TITLES = [
  'Migrations',
  'Tenants and demo data',
  'Notifications',
  'Shadow reports',
  'Analytics rollup',
];
// Serialises seeding of one database across opsbot replicas, the CLI, and anything else that uses it. ("seed" in ASCII.)
const SEED_ADVISORY_LOCK = 0x73656564;
const RULE = '='.repeat(44);

export async function seedPilots(targetUrl: string, options: SeedOptions, deps: SeedDeps = {}): Promise<SeedReport> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const day = started.toISOString().slice(0, 10);
  const target = maskUrl(targetUrl);
  const tenants = tenantIds(options.prefix, options.count);
  const steps: SeedStep[] = SEED_STEP_TITLES.map((title, i) => ({ number: i + 1, title, status: 'pending' }));
  const report: SeedReport = {
    verdict: 'passed',
    env: options.env,
    target,
    prefix: options.prefix,
    count: options.count,
    tenants,
    steps,
    written: {},
    migrationsApplied: [],
    summary: [],
    shadowReports: [],
    log: [],
    startedAt: started.toISOString(),
    finishedAt: '',
  };
  const log = (line: string) => {
    report.log.push(line);
    options.onLog?.(line);
  };
  const progress = async () => options.onProgress?.(steps.map((s) => ({ ...s })));
  let current = steps[0]!;
  async function step(number: number, work: () => Promise<Pick<SeedStep, 'status' | 'detail'>>): Promise<void> {
    current = steps[number - 1]!;
    current.status = 'running';
    log(`\n📝 Step ${number}: ${current.title}...`);
    await progress();
    const at = performance.now();
    const outcome = await work();
    Object.assign(current, outcome, { durationMs: Math.round(performance.now() - at) });
    await progress();
  }

  for (const line of [
    RULE,
    `SEED PILOTS - ${(options.env ?? 'target').toUpperCase()}`,
    RULE,
    `Date: ${started.toISOString()}`,
    `Database: ${target}`,
    `Tenant Prefix: ${options.prefix}`,
    `Tenant Count: ${options.count}`,
    RULE,
  ])
    log(line);

  const db = postgresDb(targetUrl, 2);
  try {
    await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [SEED_ADVISORY_LOCK]);
      await step(1, async () => {
        const { applied, version } = await applyPilotSchema(tx);
        report.migrationsApplied = applied;
        log(applied.length ? `✅ Applied ${applied.join(', ')}` : `✅ Schema up to date (${version})`);
        return {
          status: 'done',
          detail: applied.length ? `applied ${applied.length}, now at \`${version}\`` : `up to date at \`${version}\``,
        };
      });
      await step(2, () => seedTenantsAndData(tx, report, day, log, deps));
      await step(3, () => testNotifications(report, deps, log));
      await step(4, async () => {
        report.shadowReports = await shadowReports(tx, tenants, day);
        log(`✅ Generated ${report.shadowReports.length} shadow reports (7 days to ${day})`);
        return { status: 'done', detail: `${report.shadowReports.length} reports, 7 days to ${day}` };
      });
      await step(5, async () => {
        const rows = await rollupDay(tx, tenants, day, now());
        report.rollupDay = day;
        log(`✅ Created daily rollup: ${day} (${rows} tenants)`);
        return { status: 'done', detail: `${day}, ${rows} rows` };
      });
    });
  } catch (error) {
    const reason = maskSecrets(error instanceof Error ? error.message : String(error), [safePassword(targetUrl)]);
    Object.assign(current, { status: 'failed', detail: reason });
    report.verdict = 'failed';
    report.failure = { step: current.number, title: current.title, reason };
    report.shadowReports = [];
    log(`❌ Step ${current.number} (${current.title}) failed: ${reason}`);
    log('Nothing was written: the transaction was rolled back.');
    await progress();
  }
  await summarise(db, report, log);
  await db.close();
  report.finishedAt = now().toISOString();
  log(`\n${RULE}\n${report.verdict === 'passed' ? 'SEED COMPLETE' : 'SEED FAILED'}\n${RULE}`);
  deps.log?.info({ env: options.env, verdict: report.verdict, tenants: tenants.length }, 'seed finished');
  return report;
}

async function summarise(db: Db, report: SeedReport, log: (line: string) => void): Promise<void> {
  try {
    report.summary = await countPilotTables(db);
    report.schemaVersion = await pilotSchemaVersion(db);
    log(`\nTable row counts: ${report.summary.map((t) => `${t.table} ${t.rows}`).join(', ') || 'no pilot tables'}`);
    log(`Schema version: ${report.schemaVersion ?? 'none'}`);
  } catch (error) {
    log(`⚠️  Could not count the tables: ${maskSecrets((error as Error).message)}`);
  }
}

function safePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
