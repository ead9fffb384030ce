// The monthly dry run: counts every policy (nothing is deleted) and stores the report, whose id a deletion names.
import type { Deps } from '../deps.js';
import { randomId } from '../ids.js';
import type { Db } from '../store/db.js';
import { countFiles, countTable } from './count.js';
import type { TablePolicy } from './policy.js';
import type { PolicyCount, RetentionReport } from './report.js';
import { insertReport } from './store.js';

type ReportDeps = Pick<Deps, 'config' | 'db' | 'targets' | 'now'>;

async function countOnTarget(policy: TablePolicy, deps: ReportDeps, now: Date): Promise<PolicyCount> {
  if (policy.env === 'opsbot') return countTable(deps.db, policy, now);
  const env = deps.config.environments.find((e) => e.name === policy.env);
  if (!env?.databaseUrl) {
    const counted = await countTable(
      unreachable(`${env?.databaseUrlVar ?? 'its DATABASE_URL'} is not set`),
      policy,
      now,
    );
    return counted;
  }
  const db = deps.targets.pool(env.databaseUrl, 1);
  try {
    return await countTable(db, policy, now);
  } finally {
    await db.close();
  }
}

/** A database that fails every query with reason: a policy whose target is not configured is counted as failed. */
function unreachable(reason: string): Db {
  const fail = () => Promise.reject(new Error(reason));
  return { kind: 'postgres', query: fail, transaction: fail, close: async () => {} };
}

export async function takeRetentionReport(deps: ReportDeps, runId: string | undefined): Promise<RetentionReport> {
  const now = deps.now();
  const policies: PolicyCount[] = [];
  // One after the other: counting may scan big tables, and a target's server should not get them all at once.
  for (const policy of deps.config.retention.policies)
    policies.push(policy.kind === 'files' ? await countFiles(policy, now) : await countOnTarget(policy, deps, now));
  const report: RetentionReport = { id: randomId('rr'), takenAt: now.toISOString(), policies };
  await insertReport(deps.db, report, runId);
  return report;
}
