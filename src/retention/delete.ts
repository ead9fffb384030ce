// Deletes what an approved report counted: per policy, rows older than the report's cut-off (re-checked now; rows
// that passed the cut-off since are left for the next report), in batches of RETENTION_BATCH, each its own
// transaction, children first; files one by one. A stop (button, or the lock lost) ends it between batches.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { maskSecrets } from '../redact.js';
import type { Db } from '../store/db.js';
import { filesPast } from './count.js';
import type { FilePolicy, RetentionPolicy, TablePolicy } from './policy.js';
import type { DeletionProgress, PolicyCount, PolicyDeletion } from './report.js';
import { batchSql, countParentSql } from './sql.js';

export type DeleteDeps = Pick<Deps, 'config' | 'db' | 'targets' | 'log'>;
export interface DeleteControl {
  /** True once someone asked the deletion to stop. */
  shouldStop(): Promise<boolean>;
  progress(update: DeletionProgress): void;
}

// A batch holds its row locks only this long; a writer waiting on them waits at most about as long as one batch.
const STATEMENT_TIMEOUT = '60s';
const LOCK_TIMEOUT = '2s';

async function countPast(db: Db, policy: TablePolicy, cutoff: string): Promise<number> {
  const [row] = await db.query<{ rows: number }>(countParentSql(policy), [cutoff]);
  return Number(row?.rows ?? 0);
}

async function deleteTable(
  db: Db,
  policy: TablePolicy,
  count: PolicyCount,
  batchRows: number,
  control: DeleteControl,
): Promise<PolicyDeletion> {
  const sql = batchSql(policy);
  const before = await countPast(db, policy, count.cutoff);
  const deleted = new Map<string, number>([policy.table, ...policy.children.map((c) => c.table)].map((t) => [t, 0]));
  let batches = 0;
  let stoppedBy: string | undefined;
  for (;;) {
    if (await control.shouldStop()) {
      stoppedBy = 'stopped on request';
      break;
    }
    let done: boolean;
    try {
      done = await db.transaction(async (tx) => {
        await tx.query(`set local statement_timeout = '${STATEMENT_TIMEOUT}'`);
        await tx.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
        const keys = (await tx.query<{ key: string }>(sql.pick, [count.cutoff, batchRows])).map((row) => row.key);
        if (keys.length === 0) return true;
        for (const [i, statement] of sql.children.entries()) {
          const rows = await tx.query<{ n: number }>(
            `with gone as (${statement} returning 1) select count(*)::int as n from gone`,
            [keys],
          );
          const table = policy.children[i]!.table;
          deleted.set(table, deleted.get(table)! + (rows[0]?.n ?? 0));
        }
        const rows = await tx.query<{ n: number }>(
          `with gone as (${sql.parent} returning 1) select count(*)::int as n from gone`,
          [keys],
        );
        deleted.set(policy.table, deleted.get(policy.table)! + (rows[0]?.n ?? 0));
        return false;
      });
    } catch (error) {
      // The batch that failed was rolled back: what is deleted is whole batches, and a re-run finishes the rest.
      stoppedBy = maskSecrets((error as Error).message);
      break;
    }
    if (done) break;
    batches += 1;
    control.progress({ policy: policy.name, deleted: deleted.get(policy.table)!, total: before });
  }
  const after = await countPast(db, policy, count.cutoff).catch(() => before - deleted.get(policy.table)!);
  return {
    policy: policy.name,
    deleted: [...deleted].map(([what, rows]) => ({ what, rows })),
    before,
    after,
    batches,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}

async function deleteFiles(policy: FilePolicy, count: PolicyCount, control: DeleteControl, deps: DeleteDeps) {
  const files = await filesPast(policy, count.cutoff);
  const removed: string[] = [];
  let stoppedBy: string | undefined;
  for (const file of files) {
    if (await control.shouldStop()) {
      stoppedBy = 'stopped on request';
      break;
    }
    await unlink(join(policy.folder, file.path));
    removed.push(file.path);
    deps.log.info({ policy: policy.name, file: file.path }, 'retention: file deleted');
    control.progress({ policy: policy.name, deleted: removed.length, total: files.length });
  }
  return {
    policy: policy.name,
    deleted: [{ what: policy.folder, rows: removed.length }],
    before: files.length,
    after: files.length - removed.length,
    batches: removed.length,
    files: removed,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}

/** The database a table policy works on: its environment's N_DATABASE_URL, or the bot's own for `opsbot`. */
function openTarget(policy: TablePolicy, deps: DeleteDeps): { db: Db; close(): Promise<void> } | string {
  if (policy.env === 'opsbot') return { db: deps.db, close: async () => {} };
  const env = deps.config.environments.find((e) => e.name === policy.env);
  if (!env?.databaseUrl) return `${env?.databaseUrlVar ?? policy.env.toUpperCase()} is not set`;
  const db = deps.targets.pool(env.databaseUrl, 2);
  return { db, close: () => db.close() };
}

/** Deletes one policy's share of the report; a failure is the policy's finding, whole batches stay deleted. */
export async function deletePolicy(
  policy: RetentionPolicy,
  count: PolicyCount,
  deps: DeleteDeps,
  control: DeleteControl,
): Promise<PolicyDeletion> {
  const failed = (reason: string): PolicyDeletion => ({
    policy: policy.name,
    deleted: [],
    before: 0,
    after: 0,
    batches: 0,
    stoppedBy: reason,
  });
  if (policy.kind === 'files')
    return deleteFiles(policy, count, control, deps).catch((e) => failed(maskSecrets((e as Error).message)));
  const target = openTarget(policy, deps);
  if (typeof target === 'string') return failed(target);
  try {
    return await deleteTable(target.db, policy, count, deps.config.retention.batchRows, control);
  } catch (error) {
    return failed(maskSecrets((error as Error).message));
  } finally {
    await target.close();
  }
}
