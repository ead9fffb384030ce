// seedPilots: the runbook's five steps against one target database as a plain SeedReport. Steps 1, 2, 4 and 5 share
// one transaction; step 3 (the test email) runs after it commits. It does not check the guards: callers run
// checkSeedTarget first (tests may call it on any throw-away database).

import type { Deps } from '../deps.js';
import { maskSecrets, maskUrl } from '../redact.js';
import { tenantIds } from './data.js';
import { passwordOf } from './guards.js';
import { SEED_STEP_TITLES, type SeedReport, type SeedStep } from './report.js';
import { applyPilotSchema } from './schema.js';
import { rollupDay, shadowReports } from './shadow.js';
import { seedTenantsAndData, testNotifications } from './steps.js';
import { summariseTarget } from './summary.js';

export interface SeedOptions {
  prefix: string;
  count: number;
  env?: string;
  /**
   * Called whenever a step starts or ends, with every step's state (the progress message). Never awaited: the
   * transaction must not wait on Slack, so the caller queues what it sends (latestOnly in progress.ts).
   */
  onProgress?: (steps: SeedStep[]) => void;
  /** Called with each log line as it is written (the CLI prints them). */
  onLog?: (line: string) => void;
}
export type SeedDeps = Partial<Pick<Deps, 'now' | 'mail' | 'log'>> & Pick<Deps, 'targets'>;

// Serialises seeding of one database across opsbot replicas, the CLI, and anything else that uses it. ("seed" in ASCII.)
export const SEED_ADVISORY_LOCK = 0x73656564;
const RULE = '='.repeat(44);

export async function seedPilots(targetUrl: string, options: SeedOptions, deps: SeedDeps): Promise<SeedReport> {
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
  // Never awaited, and best effort: a failing async receiver is logged rather than left as an unhandled rejection.
  const progress = () => {
    const warn = (err: unknown) => deps.log?.warn({ err }, 'seed progress failed');
    try {
      const sent: unknown = options.onProgress?.(steps.map((s) => ({ ...s })));
      if (sent instanceof Promise) sent.catch(warn);
    } catch (err) {
      warn(err);
    }
  };
  let current = steps[0]!;
  async function step(
    number: number,
    work: () => Promise<Pick<SeedStep, 'status' | 'detail'>>,
    note = '',
  ): Promise<void> {
    current = steps[number - 1]!;
    current.status = 'running';
    log(`\n📝 Step ${number}: ${current.title}${note}...`);
    progress();
    const at = performance.now();
    const outcome = await work();
    Object.assign(current, outcome, { durationMs: Math.round(performance.now() - at) });
    progress();
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

  const db = deps.targets.pool(targetUrl, 2);
  const notifications = steps[2]!;
  // Mail waits for the commit, so no email announces a seed that then rolls back; the runbook's numbering stays.
  notifications.detail = 'runs after the commit';
  let committed = false;
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
      await step(2, () => seedTenantsAndData(tx, report, day, log));
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
    committed = true;
    log('\n✅ Committed: steps 1, 2, 4 and 5 are in the database.');
  } catch (error) {
    const reason = maskSecrets(error instanceof Error ? error.message : String(error), [passwordOf(targetUrl)]);
    Object.assign(current, { status: 'failed', detail: reason });
    report.verdict = 'failed';
    report.failure = { step: current.number, title: current.title, reason };
    report.shadowReports = [];
    log(`❌ Step ${current.number} (${current.title}) failed: ${reason}`);
    log('Nothing was written: the transaction was rolled back.');
    notifications.detail = 'not run: nothing was committed';
    progress();
  }
  if (committed) {
    try {
      await step(
        3,
        () => testNotifications(report, deps, log),
        ' (after the commit, so a rolled-back seed sends none)',
      );
    } catch (error) {
      const reason = maskSecrets(error instanceof Error ? error.message : String(error));
      Object.assign(notifications, { status: 'warning', detail: `failed: ${reason}; the seed is committed` });
      log(`⚠️  Step 3 (Notifications) failed: ${reason}. The seed itself is committed.`);
      progress();
    }
  }
  await summariseTarget(db, report, log);
  await db.close();
  report.finishedAt = now().toISOString();
  log(`\n${RULE}\n${report.verdict === 'passed' ? 'SEED COMPLETE' : 'SEED FAILED'}\n${RULE}`);
  deps.log?.info({ env: options.env, verdict: report.verdict, tenants: tenants.length }, 'seed finished');
  return report;
}
