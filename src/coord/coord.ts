// Coordination between replicas: locks, rate limits, the replay guard, cron election.
import type { RunCoordinator } from 'node-cron';

export interface LockHolder {
  /** Who took the lock and when, for "seed of staging is running: started by @ana at 14:02". */
  owner: Record<string, unknown>;
  acquiredAt: string;
}
export interface Lock {
  /** Releases only if this holder still owns it; a lock that expired and was retaken is left alone. */
  release(): Promise<void>;
  /** Extends only if this holder still owns it; false when the lock was lost. */
  extend(ttlMs: number): Promise<boolean>;
}
export interface Coord {
  /** redis: Redis with a Postgres fallback; local: this process only; postgres: the fallback on its own. */
  readonly kind: 'redis' | 'local' | 'postgres';
  /** Takes the lock, or returns null and leaves it to its holder. */
  tryLock(key: string, ttlMs: number, owner: Record<string, unknown>): Promise<Lock | null>;
  lockHolder(key: string): Promise<LockHolder | null>;
  /** Fixed one-minute window: 0 when allowed, otherwise the seconds until the window resets. */
  rateLimit(key: string, perMinute: number): Promise<number>;
  /** True the first time key is seen within ttlSeconds, false after (retried deliveries). */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * The replay guard: 'fresh' the first time a request signature is seen within ttlSeconds, 'replayed' after. Its
   * memory starts at a marker (REPLAY_SINCE, whole seconds) set when the store is found without one: a Redis that
   * restarted empty, a new process in-process. A request signed before the marker may have been seen and forgotten,
   * so it is 'before-guard' and refused.
   */
  checkReplay(signature: string, signedAtSeconds: number, ttlSeconds: number): Promise<ReplayVerdict>;
  /** Moves the marker up to sinceSeconds: signatures checked elsewhere meanwhile (the other store) are unknown here. */
  restartReplayGuard(sinceSeconds: number): Promise<void>;
  /** node-cron's hook: elects one replica per scheduled fire. */
  readonly runCoordinator: RunCoordinator;
  /** For /readyz, answered within a second: degraded means Redis is unreachable and Postgres stands in. */
  health(): Promise<CoordHealth>;
  close(): Promise<void>;
}

export type ReplayVerdict = 'fresh' | 'replayed' | 'before-guard';
/** The key of the replay guard's marker, in every store. */
export const REPLAY_SINCE = 'replay:since';
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type CoordHealth = 'ok' | 'degraded' | 'local' | 'error';

export type Locked<T> = { ok: true; value: T } | { ok: false; holder: LockHolder | null };

/**
 * Runs fn under the lock, extending it while fn runs, so work longer than ttlMs keeps it. Should the lock be lost
 * (its key expired and another holder took it, as after a long Redis stall), fn's signal is aborted and onLost is
 * told, so the work can stop and the loss be logged rather than two replicas carrying on unaware.
 */
export async function withLock<T>(
  coord: Coord,
  key: string,
  owner: Record<string, unknown>,
  fn: (signal: AbortSignal) => Promise<T>,
  ttlMs = 60_000,
  onLost?: () => void,
): Promise<Locked<T>> {
  const lock = await coord.tryLock(key, ttlMs, owner);
  if (!lock) return { ok: false, holder: await coord.lockHolder(key) };
  const controller = new AbortController();
  const timer = setInterval(
    () => {
      lock.extend(ttlMs).then(
        (held) => {
          if (held || controller.signal.aborted) return;
          controller.abort(new Error(`lost the lock ${key}`));
          onLost?.();
        },
        // A failed call (Redis unreachable for a moment) is not a loss: the next tick tries again well before expiry.
        () => {},
      );
    },
    Math.max(100, ttlMs / 3),
  );
  try {
    return { ok: true, value: await fn(controller.signal) };
  } finally {
    clearInterval(timer);
    await lock.release();
  }
}
