// Backups and drills as the slash command, the schedule and the CLI run them: under one lock per environment, as a
// recorded run. A backup and a drill of one environment never overlap (a drill may take a backup first).

import { type BackupReport, takeBackup } from '../backup/backup.js';
import { type LockHolder, withLock } from '../coord/coord.js';
import type { Deps } from '../deps.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import type { DrillTarget } from '../targets/target.js';
import { runDrill } from './drill.js';
import type { DrillProgress, DrillReport } from './report.js';

export type SessionDeps = Pick<Deps, 'config' | 'db' | 'log' | 'now' | 'hooks' | 'fetch' | 'coord' | 'runs'>;
export type Session<R> = { ok: true; runId: string; report: R } | { ok: false; holder: LockHolder | null };
export interface SessionOptions {
  trigger: RunTrigger;
  actor?: Actor;
  /** Called with the run id once the run is recorded, before any work (the command posts its progress message). */
  onStart?: (runId: string) => Promise<void>;
  onProgress?: DrillProgress;
  /** How long to wait for the lock before giving up (scheduled jobs wait; people are told at once). */
  waitMs?: number;
}

const LOCK_TTL_MS = 60_000;
const LOCK_RETRY_MS = 5_000;
export const lockKey = (env: string) => `drill:${env}`;

async function underLock<R>(
  deps: SessionDeps,
  env: string,
  kind: 'drill' | 'backup',
  options: SessionOptions,
  fn: (runId: string) => Promise<R>,
): Promise<Session<R>> {
  const owner = { kind, user: options.actor?.user, trigger: options.trigger };
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const locked = await withLock(
      deps.coord,
      lockKey(env),
      owner,
      () =>
        deps.runs.track({ kind, env, trigger: options.trigger, actor: options.actor }, async (runId) => {
          await options.onStart?.(runId);
          return fn(runId);
        }),
      LOCK_TTL_MS,
      () => deps.log.error({ env, kind }, 'lost the environment lock mid-run: another replica may start the same work'),
    );
    if (locked.ok) return { ok: true, ...locked.value };
    if (Date.now() >= deadline) return locked;
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

export function drillUnderLock(
  target: DrillTarget,
  deps: SessionDeps,
  options: SessionOptions,
): Promise<Session<DrillReport>> {
  return underLock(deps, target.name, 'drill', options, (runId) =>
    runDrill(target, deps, { runId, onProgress: options.onProgress }),
  );
}

export function backupUnderLock(
  target: DrillTarget,
  deps: SessionDeps,
  options: SessionOptions,
): Promise<Session<BackupReport>> {
  return underLock(deps, target.name, 'backup', options, (runId) => takeBackup(target, deps, runId));
}

/** "A drill of staging is already running: started by U123 at 14:02 UTC." mention renders the user. */
export function busyText(env: string, holder: LockHolder | null, mention: (user: string) => string = (u) => u): string {
  const owner = (holder?.owner ?? {}) as { kind?: string; user?: string; trigger?: string };
  const what = owner.kind === 'backup' ? 'A backup' : 'A drill';
  const by = owner.user
    ? ` by ${mention(owner.user)}`
    : owner.trigger === 'cron'
      ? ' by the schedule'
      : owner.trigger === 'cli'
        ? ' from the command line'
        : '';
  const at = holder ? ` at ${holder.acquiredAt.slice(11, 16)} UTC` : '';
  return `${what} of ${env} is already running: started${by}${at}. Wait for it to finish, then try again.`;
}
