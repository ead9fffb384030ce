// What an operation is, as every entry point describes it to operate(): who asks, what it needs, how it runs.
import type { Logger } from 'pino';
import type { LockHolder } from '../coord/coord.js';
import type { Role } from '../roles.js';
import type { Db } from '../store/db.js';
import type { Actor, RunTrigger } from '../store/runs.js';

export interface OperationContext<P = never> {
  /** The run record's id; undefined for operations that keep no run (record: false). */
  runId: string | undefined;
  /** Aborted when the operation's lock is lost: stop, the outcome is `interrupted`. */
  signal: AbortSignal;
  /** The progress port: never awaited, never fails the operation. */
  progress(update: P): void;
  log: Logger;
  /** With transaction: true, the transaction the outcome's audit event (and the run's final state) commit in. */
  tx?: Db;
}

export interface OperationSpec<R, P = never> {
  /** The run's kind (runs.kind) and the prefix of its refusal events (`seed.refuse`). */
  kind: string;
  /** The audit action of the done and failed outcomes (`seed.run`). */
  action: string;
  trigger: RunTrigger;
  /** Absent for the schedule. */
  actor?: Actor;
  env?: string;
  /** Stored on the run and audited (secrets masked by the audit log). */
  params?: Record<string, unknown>;
  /** The audit action of refusals and busy answers; default `<kind>.refuse`. */
  refuseAction?: string;
  /** The role the actor needs; admins hold every role. */
  role?: Role;
  /** The action as its users know it (`/seed pilots`, `Approve`), for refusals. */
  what?: string;
  /** Per person unless said otherwise (`per: 'token'`). */
  rateLimit?: { key: string; perMinute: number; per?: string };
  lock?: {
    key: string;
    ttlMs?: number;
    /** How long to wait for a held lock before answering busy (the schedule waits; people are told at once). */
    waitMs?: number;
    /** Shown to whoever finds the lock held; kind, user, trigger and env are added. */
    owner?: Record<string, unknown>;
    /**
     * Joins the holder's run instead of answering busy: its run id and report once it has finished, or undefined when
     * it ended without one or its holder went away (the lock is then tried again, and at last the work runs unlocked).
     */
    join?: (holder: LockHolder | null) => Promise<{ runId: string; report: R } | undefined>;
  };
  /** A reason to refuse before anything runs (a seed guard), or undefined to go on. */
  guard?: () => string | undefined | Promise<string | undefined>;
  /** false: no run record (a quick decision whose state lives in its own table). Default true. */
  record?: boolean;
  /** true: run() gets ctx.tx, and its writes, the run's final state and the audit event are one transaction. */
  transaction?: boolean;
  run(ctx: OperationContext<P>): Promise<R>;
  /** What the run record keeps of the report (default: all of it); a review keeps its summary, not 10 000 rows. */
  keep?: (report: R) => unknown;
  /** The run's status from its report; default: the report's `verdict` or `status` (fail… → failed). */
  verdict?: (report: R) => 'passed' | 'failed';
  /** Audit params drawn from the report (a failed step, a target), beside spec.params and the run id. */
  auditParams?: (report: R) => Record<string, unknown>;
  /** The audit outcome of a done operation; default: the run's status. */
  auditOutcome?: (report: R) => string;
}

export interface OperateOptions<P> {
  /** Once the run is recorded and the lock held, before the work (a command posts its progress message here). */
  onStart?: (runId: string | undefined) => Promise<void>;
  /** Never awaited: a slow receiver delays its own messages, never the work (queue with publish/latest-only). */
  onProgress?: (update: P) => void | Promise<void>;
}

export type Outcome<R> =
  | { outcome: 'refused'; reason: string; missingRole?: Role; retryInSeconds?: number }
  | { outcome: 'busy'; holder: LockHolder | null }
  /** joined: the report is of a run someone else started (spec.lock.join). */
  | { outcome: 'done'; runId: string | undefined; report: R; joined?: boolean }
  | { outcome: 'failed'; runId: string | undefined; error: string; cause: unknown }
  | { outcome: 'interrupted'; runId: string | undefined; error: string };
