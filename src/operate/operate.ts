// The one pipeline every command, button, modal, job, API call and CLI run goes through: authorize, rate limit,
// guard, lock, run record with heartbeats, the capability, and exactly one audit event for the outcome, written in
// the same transaction as the run's final state, before any caller can say what happened.
import { withLock } from '../coord/coord.js';
import type { Deps } from '../deps.js';
import { AUDIT_UNAVAILABLE, type AuditEvent } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { statusOfReport } from '../store/runs.js';
import { roleRefusal } from './refusal.js';
import type { OperateOptions, OperationContext, OperationSpec, Outcome } from './spec.js';

export type { OperateOptions, OperationContext, OperationSpec, Outcome } from './spec.js';
export type OperateDeps = Pick<Deps, 'config' | 'coord' | 'db' | 'runs' | 'audit' | 'roles' | 'log' | 'operations'>;

const LOCK_RETRY_MS = 5_000;

export async function operate<R, P = never>(
  deps: OperateDeps,
  spec: OperationSpec<R, P>,
  options: OperateOptions<P> = {},
): Promise<Outcome<R>> {
  const base = { ...spec.params, ...(spec.env === undefined ? {} : { env: spec.env }) };
  // Nothing happens unrecorded: with the audit log out of reach, refuse at once rather than act and fail to say so.
  if (!(await deps.audit.writable())) {
    deps.log.error({ kind: spec.kind, trigger: spec.trigger, user: spec.actor?.user }, 'audit log unwritable: refused');
    return { outcome: 'refused', reason: AUDIT_UNAVAILABLE };
  }
  const refuse = async (outcome: string, reason: string, extra: Record<string, unknown> = {}) => {
    await deps.audit.append({
      action: spec.refuseAction ?? `${spec.kind}.refuse`,
      actor: spec.actor,
      params: { ...base, reason, ...extra },
      outcome,
    });
  };

  const denied = await authorize(deps, spec);
  if (denied) return denied;
  if (spec.rateLimit) {
    const retryInSeconds = await deps.coord.rateLimit(spec.rateLimit.key, spec.rateLimit.perMinute);
    if (retryInSeconds > 0) {
      const per = spec.rateLimit.per ?? 'person';
      const reason = `\`${spec.what ?? spec.kind}\` runs at most ${spec.rateLimit.perMinute} times a minute per ${per}; try again in ${retryInSeconds} s.`;
      await refuse('rate-limited', reason, { retryInSeconds });
      return { outcome: 'refused', reason, retryInSeconds };
    }
  }
  const guarded = await spec.guard?.();
  if (guarded) {
    deps.log.warn({ kind: spec.kind, ...base, reason: guarded }, 'operation refused');
    await refuse('refused', guarded);
    return { outcome: 'refused', reason: guarded };
  }
  if (!spec.lock) return execute(deps, spec, options, new AbortController().signal);

  // A short lease, extended while the holder lives: a killed replica's lock frees within 15 s.
  const { key, ttlMs = 15_000, waitMs = 0 } = spec.lock;
  const owner = { kind: spec.kind, user: spec.actor?.user, trigger: spec.trigger, env: spec.env, ...spec.lock.owner };
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const locked = await withLock(
      deps.coord,
      key,
      owner,
      (signal) => execute(deps, spec, options, signal),
      ttlMs,
      () => deps.log.error({ key, kind: spec.kind }, 'lost the lock mid-run: another replica may start the same work'),
    );
    if (locked.ok) return locked.value;
    if (spec.lock.join) {
      const joined = await spec.lock.join(locked.holder);
      if (joined) return joinedOutcome(deps, spec, joined);
      deps.log.warn({ key, holder: locked.holder?.owner }, 'the run joined did not finish; trying again');
      // The holder vanished twice: the asker still gets a result, from a run of its own.
      if (attempt >= 1) return execute(deps, spec, options, new AbortController().signal);
      continue;
    }
    if (Date.now() >= deadline) {
      await refuse('busy', 'already running', { holder: locked.holder?.owner });
      return { outcome: 'busy', holder: locked.holder };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_RETRY_MS, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * The pipeline's first step alone: undefined when the actor holds the spec's role, else the refusal, audited
 * (`auth.deny`). A modal's submission calls it before its ack, so a refusal can be shown in the modal.
 */
export async function authorize(
  deps: Pick<OperateDeps, 'roles' | 'audit' | 'log'>,
  spec: Pick<OperationSpec<unknown, unknown>, 'role' | 'actor' | 'what' | 'kind'>,
): Promise<Extract<Outcome<never>, { outcome: 'refused' }> | undefined> {
  if (!spec.role || !spec.actor || (await deps.roles.has(spec.actor.user, spec.role))) return undefined;
  const what = spec.what ?? spec.kind;
  deps.log.info({ user: spec.actor.user, role: spec.role, what }, 'denied: missing role');
  await deps.audit.append({
    action: 'auth.deny',
    actor: spec.actor,
    params: { what, role: spec.role },
    outcome: 'denied',
  });
  return { outcome: 'refused', reason: roleRefusal(what, spec.role), missingRole: spec.role };
}

/** A joined run: the holder's run and report, and this asker's own audit event naming it. */
async function joinedOutcome<R, P>(
  deps: OperateDeps,
  spec: OperationSpec<R, P>,
  joined: { runId: string; report: R },
): Promise<Outcome<R>> {
  const status = spec.verdict?.(joined.report) ?? statusOfReport(joined.report);
  await deps.audit.append({
    action: spec.action,
    actor: spec.actor,
    params: { ...spec.params, env: spec.env, runId: joined.runId, joined: true },
    outcome: spec.auditOutcome?.(joined.report) ?? status,
  });
  return { outcome: 'done', runId: joined.runId, report: joined.report, joined: true };
}

/** Run record, heartbeat, the work, and the outcome's audit event in the transaction that finishes the run. */
async function execute<R, P>(
  deps: OperateDeps,
  spec: OperationSpec<R, P>,
  options: OperateOptions<P>,
  signal: AbortSignal,
): Promise<Outcome<R>> {
  const params = spec.params ?? {};
  const runId =
    spec.record === false
      ? undefined
      : await deps.runs.start({ kind: spec.kind, env: spec.env, trigger: spec.trigger, actor: spec.actor, params });
  const log = deps.log.child({ runId, kind: spec.kind, trigger: spec.trigger, user: spec.actor?.user });
  // Every run beats for itself, whatever started it: a CLI seed is as alive as one started from Slack.
  const beat = runId
    ? setInterval(() => void deps.runs.beat(runId).catch(() => {}), (deps.config.runs.staleSeconds * 1000) / 3)
    : undefined;
  const event = (outcome: string, extra: Record<string, unknown>): AuditEvent => ({
    action: spec.action,
    actor: spec.actor,
    params: { ...params, ...(spec.env === undefined ? {} : { env: spec.env }), ...(runId ? { runId } : {}), ...extra },
    outcome,
  });
  const context = (tx?: Db): OperationContext<P> => ({
    runId,
    signal,
    log,
    tx,
    progress(update) {
      const warn = (error: unknown) => log.warn({ err: error }, 'progress update failed');
      try {
        const sent: unknown = options.onProgress?.(update);
        if (sent instanceof Promise) sent.catch(warn);
      } catch (error) {
        warn(error);
      }
    },
  });
  const settle = async (report: R, tx: Db) => {
    const status = spec.verdict?.(report) ?? statusOfReport(report);
    if (runId) await deps.runs.finish(runId, status, { report: spec.keep ? spec.keep(report) : report }, tx);
    await deps.audit.append(event(spec.auditOutcome?.(report) ?? status, spec.auditParams?.(report) ?? {}), tx);
  };
  try {
    await options.onStart?.(runId);
    let report: R;
    if (spec.transaction) {
      report = await deps.db.transaction(async (tx) => {
        const value = await spec.run(context(tx));
        await settle(value, tx);
        return value;
      });
    } else {
      report = await spec.run(context());
      await deps.db.transaction((tx) => settle(report, tx));
    }
    deps.operations?.emit({ kind: spec.kind, outcome: 'done' });
    return { outcome: 'done', runId, report };
  } catch (cause) {
    const error = cause instanceof Error ? cause.message : String(cause);
    const status = signal.aborted ? 'interrupted' : 'error';
    log.error({ err: cause }, status === 'interrupted' ? 'operation interrupted' : 'operation failed');
    await deps.db.transaction(async (tx) => {
      if (runId) await deps.runs.finish(runId, status, { error }, tx);
      await deps.audit.append(event(status, { error }), tx);
    });
    deps.operations?.emit({ kind: spec.kind, outcome: status === 'interrupted' ? 'interrupted' : 'failed' });
    return status === 'interrupted'
      ? { outcome: 'interrupted', runId, error }
      : { outcome: 'failed', runId, error, cause };
  } finally {
    if (beat) clearInterval(beat);
  }
}

/** For callers that leave faults to the global error handler: the failure of an outcome that is not done, thrown. */
export function rethrow(outcome: Exclude<Outcome<unknown>, { outcome: 'done' }>): never {
  if (outcome.outcome === 'failed') throw outcome.cause;
  if (outcome.outcome === 'busy') throw new Error('the operation is already running');
  if (outcome.outcome === 'refused') throw new Error(outcome.reason);
  throw new Error(outcome.error);
}
