// Redis coordination (REDIS_URL): every replica sees the same locks, limits and cron elections.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Coord, type LockHolder, nowSeconds, REPLAY_SINCE } from './coord.js';

// Compare-and-delete / compare-and-extend: only the holder of the token may release or extend.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const INCR_WINDOW = `local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {n, redis.call('pttl', KEYS[1])}`;
// The replay guard in one step: the marker (set to now when missing: Redis came back empty), then the signature.
const REPLAY = `local since = redis.call('get', KEYS[1])
if not since then since = ARGV[1] redis.call('set', KEYS[1], since) end
if tonumber(ARGV[2]) < tonumber(since) then return 'before-guard' end
if redis.call('set', KEYS[2], '1', 'EX', ARGV[3], 'NX') then return 'fresh' end
return 'replayed'`;
const RESTART_GUARD = `if tonumber(redis.call('get', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end return 1`;
// Each script as a command of its own: ioredis sends EVALSHA (its 40-character hash, not the script, with every
// request's replay check) and loads the script again with EVAL when a restarted Redis answers NOSCRIPT.
const SCRIPTS = {
  opsbotRelease: { numberOfKeys: 1, lua: RELEASE },
  opsbotExtend: { numberOfKeys: 1, lua: EXTEND },
  opsbotIncrWindow: { numberOfKeys: 1, lua: INCR_WINDOW },
  opsbotReplay: { numberOfKeys: 2, lua: REPLAY },
  opsbotRestartGuard: { numberOfKeys: 1, lua: RESTART_GUARD },
};
type Scripted = Redis & Record<keyof typeof SCRIPTS, (...keysAndArgs: (string | number)[]) => Promise<unknown>>;

export interface RedisCoord extends Coord {
  /** Connected and ready: commands are sent; otherwise they fail at once (no offline queue). */
  available(): boolean;
  /** Resolves when connected, or after timeoutMs (at start: a replica starts on Postgres when Redis is down). */
  connected(timeoutMs: number): Promise<boolean>;
}

// Short enough that a slash command falls back to Postgres and is still acknowledged within Slack's 3 s, and /readyz
// answers within 1 s; long enough for a loaded Redis on the same network.
const COMMAND_TIMEOUT_MS = 400;

export function redisCoord(url: string, prefix: string): RedisCoord {
  const client = new Redis(url, {
    keyPrefix: prefix,
    // Fail fast while disconnected instead of queueing: the caller falls back to Postgres.
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 1_000,
    // Keep trying to come back, at most every 2 s: once ready, coordination returns to Redis.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    lazyConnect: false,
  });
  for (const [name, script] of Object.entries(SCRIPTS)) client.defineCommand(name, script);
  const redis = client as Scripted;
  // Connection errors surface on the commands that fail (and in /readyz); this keeps them from being unhandled.
  redis.on('error', () => {});
  // Each (re)connection: a Redis that restarted without persistence has no marker, so the guard starts now, before any
  // request is checked there. One that kept its data keeps its marker (NX).
  redis.on('ready', () => void redis.set(REPLAY_SINCE, String(nowSeconds()), 'NX').catch(() => {}));
  return {
    kind: 'redis',
    available: () => redis.status === 'ready',
    connected: (timeoutMs) =>
      redis.status === 'ready'
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              redis.off('ready', onReady);
              resolve(false);
            }, timeoutMs);
            const onReady = () => {
              clearTimeout(timer);
              resolve(true);
            };
            redis.once('ready', onReady);
          }),
    async tryLock(key, ttlMs, owner) {
      const value = JSON.stringify({ token: randomUUID(), owner, acquiredAt: new Date().toISOString() });
      const taken = await redis.set(`lock:${key}`, value, 'PX', ttlMs, 'NX');
      if (taken !== 'OK') return null;
      return {
        async release() {
          await redis.opsbotRelease(`lock:${key}`, value);
        },
        async extend(ms) {
          return (await redis.opsbotExtend(`lock:${key}`, value, ms)) === 1;
        },
      };
    },
    async lockHolder(key) {
      const value = await redis.get(`lock:${key}`);
      if (!value) return null;
      const { owner, acquiredAt } = JSON.parse(value) as LockHolder;
      return { owner, acquiredAt };
    },
    async rateLimit(key, perMinute) {
      const window = Math.floor(Date.now() / 60_000);
      const [used, ttlMs] = (await redis.opsbotIncrWindow(`rate:${key}:${window}`, 60_000)) as [number, number];
      return used <= perMinute ? 0 : Math.max(1, Math.ceil(ttlMs / 1000));
    },
    async firstSeen(key, ttlSeconds) {
      return (await redis.set(`seen:${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async checkReplay(signature, signedAtSeconds, ttlSeconds) {
      const keys = [REPLAY_SINCE, `seen:sig:${signature}`];
      return (await redis.opsbotReplay(...keys, nowSeconds(), signedAtSeconds, ttlSeconds)) as
        | 'fresh'
        | 'replayed'
        | 'before-guard';
    },
    async restartReplayGuard(sinceSeconds) {
      await redis.opsbotRestartGuard(REPLAY_SINCE, sinceSeconds);
    },
    runCoordinator: {
      // The key names the task and the fire's time slot: the first replica to claim the slot runs it.
      shouldRun: async (key, ttlMs) =>
        (await redis.set(`cron:${key}`, '1', 'PX', Math.max(ttlMs, 1000), 'NX')) === 'OK',
    },
    async health() {
      return (await redis.ping().catch(() => 'down')) === 'PONG' ? 'ok' : 'error';
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
