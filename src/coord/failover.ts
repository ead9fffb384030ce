// Redis first, Postgres while Redis is unreachable: commands, jobs and the replay guard carry on through an outage
// and return to Redis as soon as it is ready again.
import { type Coord, type Lock, nowSeconds } from './coord.js';
import type { RedisCoord } from './redis.js';

const SWITCH_GRACE_SECONDS = 1;

export interface FailoverEvents {
  /** Called when the backend in use changes: 'postgres' when Redis failed, 'redis' when it is back. */
  onSwitch?: (to: 'redis' | 'postgres', error?: unknown) => void;
}

export function failoverCoord(redis: RedisCoord, pg: Coord, events: FailoverEvents = {}): Coord {
  let using: 'redis' | 'postgres' = 'redis';
  // Locks this process holds: closing hands them back rather than leaving them to expire.
  const held = new Set<Lock>();
  // Signatures checked in one store while the other was in use are unknown to it: after a switch, the store taken up
  // again restarts its replay guard before it answers, so a request accepted meanwhile can't be replayed there. One
  // second of grace: the request that finds the switch was signed a moment before it, and must not be refused.
  const stale = { redis: false, postgres: true };
  const note = (to: 'redis' | 'postgres', error?: unknown) => {
    if (to === using) return;
    using = to;
    stale[to === 'redis' ? 'postgres' : 'redis'] = true;
    events.onSwitch?.(to, error);
  };
  const fresh = async (name: 'redis' | 'postgres', coord: Coord) => {
    if (!stale[name]) return;
    await coord.restartReplayGuard(nowSeconds() - SWITCH_GRACE_SECONDS);
    stale[name] = false;
  };
  async function either<T>(op: (coord: Coord) => Promise<T>): Promise<T> {
    if (redis.available()) {
      try {
        await fresh('redis', redis);
        const result = await op(redis);
        note('redis');
        return result;
      } catch (error) {
        note('postgres', error);
      }
    } else note('postgres');
    await fresh('postgres', pg);
    return op(pg);
  }

  /**
   * A lock follows the outage: a Redis lock whose extension cannot reach Redis moves to Postgres (if no one else took
   * it there), so its holder keeps it and a second replica cannot take it in Postgres meanwhile.
   */
  function following(key: string, owner: Record<string, unknown>, first: Lock, onRedis: boolean): Lock {
    let lock = first;
    let redisLock = onRedis;
    const handle: Lock = {
      release: () => {
        held.delete(handle);
        return lock.release().catch(() => {});
      },
      async extend(ttlMs) {
        if (!redisLock) return lock.extend(ttlMs);
        try {
          if (redis.available()) return await lock.extend(ttlMs);
        } catch {}
        const moved = await pg.tryLock(key, ttlMs, owner);
        if (!moved) return false;
        void lock.release().catch(() => {});
        lock = moved;
        redisLock = false;
        return true;
      },
    };
    held.add(handle);
    return handle;
  }

  return {
    kind: 'redis',
    async tryLock(key, ttlMs, owner) {
      if (redis.available()) {
        try {
          const lock = await redis.tryLock(key, ttlMs, owner);
          note('redis');
          if (!lock) return null;
          // A holder that took the lock in Postgres during the outage still holds it until it releases.
          if (await pg.lockHolder(key).catch(() => null)) {
            await lock.release().catch(() => {});
            return null;
          }
          return following(key, owner, lock, true);
        } catch (error) {
          note('postgres', error);
        }
      } else note('postgres');
      const lock = await pg.tryLock(key, ttlMs, owner);
      return lock && following(key, owner, lock, false);
    },
    async lockHolder(key) {
      return (
        (await either((coord) => coord.lockHolder(key))) ??
        (using === 'redis' ? pg.lockHolder(key).catch(() => null) : null)
      );
    },
    rateLimit: (key, perMinute) => either((coord) => coord.rateLimit(key, perMinute)),
    firstSeen: (key, ttlSeconds) => either((coord) => coord.firstSeen(key, ttlSeconds)),
    checkReplay: (signature, signedAtSeconds, ttlSeconds) =>
      either((coord) => coord.checkReplay(signature, signedAtSeconds, ttlSeconds)),
    restartReplayGuard: (sinceSeconds) => either((coord) => coord.restartReplayGuard(sinceSeconds)),
    // Elections are always decided in Postgres: replicas that disagree for a moment about whether Redis is up (one
    // reconnected, the other not yet) must still agree on who runs a fire. One row per fire is cheap.
    runCoordinator: pg.runCoordinator,
    async health() {
      return (await redis.health()) === 'ok' ? 'ok' : 'degraded';
    },
    async close() {
      await Promise.all([...held].map((lock) => lock.release()));
      await redis.close();
      await pg.close();
    },
  };
}
