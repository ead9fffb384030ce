// Run records: every execution of a capability, from start to its stored report.

import { randomId } from '../ids.js';
import { maskSecrets } from '../redact.js';
import type { Db } from './db.js';

export type RunTrigger = 'slash' | 'cron' | 'cli' | 'button' | 'modal' | 'api' | 'webhook';
export type RunStatus = 'running' | 'passed' | 'failed' | 'error' | 'interrupted';
export interface Actor {
  user: string;
  channel?: string;
}
export interface RunMeta {
  kind: string;
  env?: string;
  trigger: RunTrigger;
  actor?: Actor;
  params?: Record<string, unknown>;
}
export interface RunRow {
  id: string;
  kind: string;
  env: string | null;
  trigger: RunTrigger;
  actor: string | null;
  channel: string | null;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  params: Record<string, unknown>;
  report: unknown;
  error: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
}

export interface Runs {
  /** This process's id; runs it owns are kept alive by its heartbeat. */
  readonly owner: string;
  start(meta: RunMeta): Promise<string>;
  finish(
    runId: string,
    status: Exclude<RunStatus, 'running'>,
    outcome?: { report?: unknown; error?: string },
    /** A transaction to finish in, so the run's final state and its audit event are one write. */
    tx?: Db,
  ): Promise<void>;
  /** start, fn, finish: the status comes from the report's verdict; a throw records `error` and rethrows. */
  track<R>(meta: RunMeta, fn: (runId: string) => Promise<R>): Promise<{ runId: string; report: R }>;
  setMessage(runId: string, ref: { channel: string; ts: string }): Promise<void>;
  get(runId: string): Promise<RunRow | undefined>;
  /** Keeps every running run of this process alive. */
  heartbeat(): Promise<void>;
  /** Keeps one run alive (the operation pipeline beats for each of its runs). */
  beat(runId: string): Promise<void>;
}

/** `passed`/`failed` from a report's `verdict` or `status` (any case, PASS/FAIL too); `passed` otherwise. */
export function statusOfReport(report: unknown): 'passed' | 'failed' {
  const value =
    report && typeof report === 'object'
      ? ((report as { verdict?: unknown; status?: unknown }).verdict ?? (report as { status?: unknown }).status)
      : undefined;
  return typeof value === 'string' && /^fail/i.test(value) ? 'failed' : 'passed';
}

export function createRuns(db: Db, owner = randomId('p', 8)): Runs {
  const runs: Runs = {
    owner,
    async start(meta) {
      const id = randomId('r');
      await db.query(
        `insert into runs (id, kind, env, trigger, actor, channel, owner, params) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          meta.kind,
          meta.env ?? null,
          meta.trigger,
          meta.actor?.user ?? null,
          meta.actor?.channel ?? null,
          owner,
          JSON.stringify(meta.params ?? {}),
        ],
      );
      return id;
    },
    async finish(runId, status, outcome = {}, tx = db) {
      await tx.query(
        `update runs set status = $2, finished_at = now(), report = coalesce($3::jsonb, report), error = $4
          where id = $1 and status = 'running'`,
        [
          runId,
          status,
          outcome.report === undefined ? null : JSON.stringify(outcome.report),
          outcome.error === undefined ? null : maskSecrets(outcome.error),
        ],
      );
    },
    async track(meta, fn) {
      const runId = await runs.start(meta);
      try {
        const report = await fn(runId);
        await runs.finish(runId, statusOfReport(report), { report });
        return { runId, report };
      } catch (error) {
        await runs.finish(runId, 'error', { error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },
    async setMessage(runId, ref) {
      await db.query('update runs set slack_channel = $2, slack_ts = $3 where id = $1', [runId, ref.channel, ref.ts]);
    },
    async get(runId) {
      const [row] = await db.query<RunRow>('select * from runs where id = $1', [runId]);
      return row;
    },
    async beat(runId) {
      await db.query(`update runs set heartbeat_at = now() where id = $1 and status = 'running'`, [runId]);
    },
    async heartbeat() {
      await db.query(`update runs set heartbeat_at = now() where owner = $1 and status = 'running'`, [owner]);
    },
  };
  return runs;
}

/** Marks runs whose owner stopped heartbeating as interrupted, and returns them (the janitor updates their messages). */
export async function interruptStaleRuns(db: Db, staleSeconds: number): Promise<RunRow[]> {
  return db.query<RunRow>(
    `update runs set status = 'interrupted', finished_at = now(),
        error = 'interrupted: the opsbot process running it stopped before it finished'
      where status = 'running' and heartbeat_at < now() - make_interval(secs => $1) returning *`,
    [staleSeconds],
  );
}
