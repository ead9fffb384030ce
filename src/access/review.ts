// One access review: snapshot every source, compare with the previous snapshots, find anomalies, store it, and
// return it with its files. The slash command, the weekly job and the CLI all call this.
import type { Deps } from '../deps.js';
import { randomId } from '../ids.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import { findAnomalies } from './anomalies.js';
import { diffSnapshots } from './diff.js';
import { sha256, snapshotCsv, snapshotFileBase, snapshotJson } from './export.js';
import { takeSnapshot } from './sources.js';
import { type AccessReview, getReview, insertReview, latestBaseline } from './store.js';
import { countSnapshot } from './summary.js';

export interface ReviewFile {
  filename: string;
  content: string;
}
export interface AccessReviewRun {
  runId: string;
  review: AccessReview;
  files: { csv: ReviewFile; json: ReviewFile };
  /** What the run record keeps. */
  summary: AccessReviewReport;
}
/** What the run record keeps: the summary, not the 10 000 entries (those are in access_reviews). */
export interface AccessReviewReport {
  reviewId: string;
  takenAt: string;
  anomalies: number;
  changes: number;
  csvSha256: string;
}

export type ReviewDeps = Pick<Deps, 'config' | 'github' | 'now' | 'log' | 'db'>;

/** Takes the review of run runId (recorded by the caller's operation). */
export async function runAccessReview(
  deps: ReviewDeps,
  runId: string,
  trigger: RunTrigger,
  actor?: Actor,
): Promise<AccessReviewRun> {
  let files: AccessReviewRun['files'] | undefined;
  let review: AccessReview | undefined;
  const summary = await (async (): Promise<AccessReviewReport> => {
    const [snapshot, previous] = await Promise.all([takeSnapshot(deps), latestBaseline(deps.db)]);
    const diff = diffSnapshots(previous, snapshot);
    const anomalies = findAnomalies(snapshot, previous, deps.config.access);
    const id = randomId('ar');
    const csv = snapshotCsv(snapshot, anomalies);
    const csvSha256 = sha256(csv);
    const base = snapshotFileBase(snapshot.takenAt);
    files = {
      csv: { filename: `${base}.csv`, content: csv },
      json: { filename: `${base}.json`, content: snapshotJson(id, snapshot, diff, anomalies) },
    };
    await insertReview(deps.db, {
      id,
      runId,
      takenAt: snapshot.takenAt,
      trigger,
      requestedBy: actor?.user ?? null,
      snapshot,
      counts: countSnapshot(snapshot, deps.config.access.minThreshold),
      diff,
      anomalies,
      csv,
      csvSha256,
    });
    review = await getReview(deps.db, id);
    deps.log.info(
      { runId, reviewId: id, anomalies: anomalies.length, changes: diff.changes.length },
      'access review taken',
    );
    return {
      reviewId: id,
      takenAt: snapshot.takenAt,
      anomalies: anomalies.length,
      changes: diff.changes.length,
      csvSha256,
    };
  })();
  return { runId, review: review!, files: files!, summary };
}
