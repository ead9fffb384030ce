// Data retention as operations: the report (nothing deleted), a deletion requested by an operator, approved by a
// different person, run under a lock per report with a stop between batches; each step audited.
import { type Quorum, weighConsent } from '../approvals/quorum.js';
import type { Deps } from '../deps.js';
import { randomId } from '../ids.js';
import type { DeletionProgress, RetentionDeletionReport, RetentionReport } from '../retention/report.js';
import { deletable, runDeletion } from '../retention/run-deletion.js';
import {
  type Deletion,
  getReport,
  moveDeletion,
  openDeletion,
  requestDeletion,
  requestStop,
} from '../retention/store.js';
import { takeRetentionReport } from '../retention/take-report.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { OperationSpec } from './spec.js';

type RetentionDeps = Pick<Deps, 'config' | 'db' | 'targets' | 'now' | 'log' | 'roles'>;
/** A step that may be refused for a reason of its own (no such report, the requester approving): said, not thrown. */
export type Step<T> = { ok: true; value: T } | { ok: false; reason: string };

const slackOnly = (trigger: RunTrigger, what: string) =>
  trigger === 'cli' || trigger === 'cron' ? {} : { role: 'operator' as const, what };

export function retentionReportOperation(
  deps: RetentionDeps,
  trigger: RunTrigger,
  actor?: Actor,
): OperationSpec<RetentionReport> {
  return {
    kind: 'retention',
    action: 'retention.report',
    trigger,
    actor,
    ...slackOnly(trigger, '/retention run'),
    lock: { key: 'retention:report' },
    run: (ctx) => takeRetentionReport(deps, ctx.runId),
    verdict: () => 'passed',
    auditOutcome: (report) => `counted ${report.policies.length} policies`,
    auditParams: (report) => ({ reportId: report.id }),
  };
}

export function requestOperation(reportId: string, actor: Actor, deps: RetentionDeps): OperationSpec<Step<Deletion>> {
  return {
    kind: 'retention.request',
    action: 'retention.request',
    trigger: 'button',
    actor,
    role: 'operator',
    what: 'Request deletion',
    params: { reportId },
    transaction: true,
    run: async (ctx) => {
      const stored = await getReport(ctx.tx!, reportId);
      if (!stored) return { ok: false, reason: `There is no retention report \`${reportId}\`; nothing changed.` };
      if (deletable(stored.report).length === 0)
        return {
          ok: false,
          reason: 'Nothing in this report may be deleted (or nothing is past retention); nothing changed.',
        };
      const created = await requestDeletion(ctx.tx!, randomId('rd'), reportId, actor.user, deps.now());
      if (created) return { ok: true, value: created };
      const open = await openDeletion(ctx.tx!, reportId);
      return { ok: false, reason: `A deletion of this report is already ${open?.status ?? 'open'}; nothing changed.` };
    },
    auditOutcome: (step) => (step.ok ? 'requested' : 'refused'),
    auditParams: (step) => (step.ok ? { deletionId: step.value.id } : { reason: step.reason }),
  };
}

/** The deploy approvals' quorum, here of one: someone from RETENTION_APPROVERS (else the operators), not the requester. */
function deletionQuorum(deletionId: string, requestedBy: string, deps: RetentionDeps): Quorum {
  const { approvers } = deps.config.retention;
  const { admins, operators } = deps.config.roles;
  return {
    subject: `retention ${deletionId}`,
    required: 1,
    eligible: [...admins, ...(approvers.length ? approvers : operators)],
    excluded: [requestedBy],
  };
}
const REFUSALS: Record<'excluded' | 'not-eligible' | 'repeat', string> = {
  excluded: 'You requested this deletion, so someone else must approve it; nothing changed.',
  'not-eligible': 'Only RETENTION_APPROVERS (or, without it, the operators) may approve a deletion; nothing changed.',
  repeat: 'You approved this deletion already; nothing changed.',
};

export function approveOperation(deletionId: string, actor: Actor, deps: RetentionDeps): OperationSpec<Step<Deletion>> {
  return {
    kind: 'retention.approve',
    action: 'retention.approve',
    trigger: 'button',
    actor,
    params: { deletionId },
    transaction: true,
    run: async (ctx) => {
      const [row] = await ctx.tx!.query<{ requested_by: string; status: string }>(
        'select requested_by, status from retention_deletions where id = $1',
        [deletionId],
      );
      if (!row) return { ok: false, reason: `There is no deletion \`${deletionId}\`; nothing changed.` };
      const isListed = (user: string, entries: readonly string[]) => deps.roles.listed(user, entries);
      const ballot = await weighConsent(deletionQuorum(deletionId, row.requested_by, deps), [], actor.user, isListed);
      if (!ballot.counted) return { ok: false, reason: REFUSALS[ballot.reason] };
      const approved = await moveDeletion(ctx.tx!, deletionId, ['requested'], 'approved', {
        approvedBy: actor.user,
        at: deps.now(),
      });
      return approved
        ? { ok: true, value: approved }
        : { ok: false, reason: `This deletion is already ${row.status}; nothing changed.` };
    },
    auditOutcome: (step) => (step.ok ? 'approved' : 'refused'),
    auditParams: (step) => (step.ok ? {} : { reason: step.reason }),
  };
}

export function stopOperation(deletionId: string, actor: Actor, deps: RetentionDeps): OperationSpec<Step<Deletion>> {
  return {
    kind: 'retention.stop',
    action: 'retention.stop',
    trigger: 'button',
    actor,
    role: 'operator',
    what: 'Stop',
    params: { deletionId },
    run: async () => {
      const stopping = await requestStop(deps.db, deletionId);
      return stopping
        ? { ok: true, value: stopping }
        : { ok: false, reason: 'This deletion is not running; nothing changed.' };
    },
    auditOutcome: (step) => (step.ok ? 'stop requested' : 'refused'),
  };
}

/**
 * Runs the approved deletion of reportId (or finishes one that stopped halfway), under the report's lock: the CLI and
 * the approval button run exactly this; without a recorded approval it is refused.
 */
export function deleteOperation(
  reportId: string,
  trigger: RunTrigger,
  actor: Actor | undefined,
  deps: RetentionDeps,
): OperationSpec<RetentionDeletionReport, DeletionProgress> {
  let deletion: Deletion | undefined;
  let report: RetentionReport | undefined;
  return {
    kind: 'retention.delete',
    action: 'retention.delete',
    trigger,
    actor,
    params: { reportId },
    guard: async () => {
      const stored = await getReport(deps.db, reportId);
      if (!stored) return `there is no retention report \`${reportId}\``;
      const open = await openDeletion(deps.db, reportId);
      if (!open?.approvedBy)
        return `report \`${reportId}\` has no approved deletion: request it in Slack (Request deletion) and have someone else approve it`;
      if (open.status === 'done') return `the deletion of report \`${reportId}\` is done already`;
      deletion = open;
      report = stored.report;
      return undefined;
    },
    lock: { key: `retention:${reportId}`, ttlMs: 60_000 },
    run: async (ctx) => {
      const running = await moveDeletion(
        deps.db,
        deletion!.id,
        ['approved', 'running', 'stopped', 'failed'],
        'running',
      );
      if (!running) throw new Error(`the deletion of report ${reportId} changed state meanwhile`);
      await deps.db.query('update retention_deletions set stop_requested = false where id = $1', [running.id]);
      return runDeletion(deps, running, report!, ctx.progress, ctx.signal);
    },
    verdict: (result) => (result.status === 'done' ? 'passed' : 'failed'),
    auditOutcome: (result) => result.status,
    auditParams: (result) => ({
      deletionId: result.deletionId,
      requestedBy: result.requestedBy,
      approvedBy: result.approvedBy,
      deleted: result.policies.map((p) => ({ policy: p.policy, rows: p.deleted.reduce((s, d) => s + d.rows, 0) })),
    }),
  };
}
