// The retention report: per policy, what is past its retention (rows or files), the oldest, the size, samples, and
// the exact statements or file list that would delete it. Plain data: stored, rendered, and the deletion's contract.

export interface CountLine {
  /** The table (or folder) this line counts; a policy's children have lines of their own. */
  what: string;
  rows: number;
  oldest?: string;
  bytes: number;
  /** Up to five keys of rows (or file names) that would go. */
  samples: string[];
}
export interface PolicyCount {
  policy: string;
  kind: 'table' | 'files';
  /** `staging` (a table policy's environment) or the folder of a file policy. */
  where: string;
  days: number;
  /** Rows and files older than this go; a deletion re-checks exactly this cut-off. */
  cutoff: string;
  deleteAllowed: boolean;
  lines: CountLine[];
  /** The statements a deletion runs (in batches), or the files it would remove (the first 1 000). */
  statements: string[];
  files?: string[];
  /** Set when the policy could not be counted (database unreachable, no such table): nothing of it is deleted. */
  error?: string;
}
export interface RetentionReport {
  id: string;
  takenAt: string;
  policies: PolicyCount[];
}

export interface PolicyDeletion {
  policy: string;
  deleted: { what: string; rows: number }[];
  before: number;
  after: number;
  batches: number;
  /** Set when the policy stopped early: a stop, an error; what was deleted is in whole batches. */
  stoppedBy?: string;
  files?: string[];
}
export interface RetentionDeletionReport {
  deletionId: string;
  reportId: string;
  requestedBy: string;
  approvedBy: string;
  status: 'done' | 'stopped' | 'failed';
  policies: PolicyDeletion[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}
/** Live progress of a deletion: per policy, rows deleted so far. */
export interface DeletionProgress {
  policy: string;
  deleted: number;
  total: number;
}
