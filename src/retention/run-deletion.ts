// One approved deletion from start to finish: every deletable policy of its report, one after the other, with the
// result stored on the deletion (done, stopped or failed); a re-run of a stopped one deletes what is left.
import type { Deps } from '../deps.js';
import { type DeleteControl, deletePolicy } from './delete.js';
import type { PolicyDeletion, RetentionDeletionReport, RetentionReport } from './report.js';
import { type Deletion, moveDeletion, stopRequested } from './store.js';

type RunDeps = Pick<Deps, 'config' | 'db' | 'targets' | 'log' | 'now'>;

/** The policies of report a deletion works on: allowed, counted, with something past retention. */
export function deletable(report: RetentionReport) {
  return report.policies.filter((p) => p.deleteAllowed && !p.error && p.lines.some((line) => line.rows > 0));
}

export async function runDeletion(
  deps: RunDeps,
  deletion: Deletion,
  report: RetentionReport,
  progress: DeleteControl['progress'],
  signal: AbortSignal,
): Promise<RetentionDeletionReport> {
  const started = deps.now();
  const control: DeleteControl = {
    shouldStop: async () => signal.aborted || (await stopRequested(deps.db, deletion.id)),
    progress,
  };
  const results: PolicyDeletion[] = [];
  for (const count of deletable(report)) {
    const policy = deps.config.retention.policies.find((p) => p.name === count.policy);
    if (!policy) {
      results.push({
        policy: count.policy,
        deleted: [],
        before: 0,
        after: 0,
        batches: 0,
        stoppedBy: 'the policy is no longer configured',
      });
      continue;
    }
    const result = await deletePolicy(policy, count, deps, control);
    results.push(result);
    deps.log.info(
      { deletionId: deletion.id, policy: policy.name, deleted: result.deleted },
      'retention: policy deleted',
    );
    if (result.stoppedBy === 'stopped on request') break;
  }
  const finished = deps.now();
  const stopped = results.some((r) => r.stoppedBy === 'stopped on request');
  const failed = results.some((r) => r.stoppedBy && r.stoppedBy !== 'stopped on request');
  const status = stopped ? 'stopped' : failed ? 'failed' : 'done';
  const result: RetentionDeletionReport = {
    deletionId: deletion.id,
    reportId: report.id,
    requestedBy: deletion.requestedBy,
    approvedBy: deletion.approvedBy ?? '',
    status,
    policies: results,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
  };
  await moveDeletion(deps.db, deletion.id, ['running'], status, { at: finished, result });
  return result;
}
