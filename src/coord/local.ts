// In-process coordination: the same interface as Redis, valid for a single replica only. Bounded: every key lives in
// a TTL cache that drops it when it expires, read again or not (a year of fires and signatures stays small).
import { randomUUID } from 'node:crypto';
import { TTLCache } from '@isaacs/ttlcache';
import { type Coord, type LockHolder, nowSeconds } from './coord.js';

// A backstop, far above what one replica holds live (a few locks, one minute of rate windows, 10 min of signatures).
const MAX_KEYS = 200_000;

export function localCoord(): Coord {
  const entries = new TTLCache<string, string>({ max: MAX_KEYS, checkAgeOnGet: true, checkAgeOnHas: true });
  const setNx = (key: string, value: string, ttlMs: number) => {
    if (entries.has(key)) return false;
    entries.set(key, value, { ttl: Math.max(1, ttlMs) });
    return true;
  };
  // Nothing survives a restart of the process, so nothing signed before it started is trusted.
  let since = nowSeconds();
  return {
    kind: 'local',
    async tryLock(key, ttlMs, owner) {
      const token = randomUUID();
      const holder: LockHolder & { token: string } = { token, owner, acquiredAt: new Date().toISOString() };
      const value = JSON.stringify(holder);
      if (!setNx(`lock:${key}`, value, ttlMs)) return null;
      const mine = () => entries.get(`lock:${key}`) === value;
      return {
        async release() {
          if (mine()) entries.delete(`lock:${key}`);
        },
        async extend(ms) {
          if (!mine()) return false;
          entries.set(`lock:${key}`, value, { ttl: ms });
          return true;
        },
      };
    },
    async lockHolder(key) {
      const value = entries.get(`lock:${key}`);
      if (!value) return null;
      const { owner, acquiredAt } = JSON.parse(value) as LockHolder;
      return { owner, acquiredAt };
    },
    async rateLimit(key, perMinute) {
      const window = Math.floor(Date.now() / 60_000);
      const slot = `rate:${key}:${window}`;
      const used = Number(entries.get(slot) ?? 0) + 1;
      const left = (window + 1) * 60_000 - Date.now();
      entries.set(slot, String(used), { ttl: Math.max(1, left) });
      return used <= perMinute ? 0 : Math.ceil(left / 1000);
    },
    async firstSeen(key, ttlSeconds) {
      return setNx(`seen:${key}`, '1', ttlSeconds * 1000);
    },
    async checkReplay(signature, signedAtSeconds, ttlSeconds) {
      if (signedAtSeconds < since) return 'before-guard';
      return setNx(`seen:sig:${signature}`, '1', ttlSeconds * 1000) ? 'fresh' : 'replayed';
    },
    async restartReplayGuard(sinceSeconds) {
      since = Math.max(since, sinceSeconds);
    },
    runCoordinator: { shouldRun: (key, ttlMs) => setNx(`cron:${key}`, '1', ttlMs) },
    health: async () => 'local',
    close: async () => entries.clear(),
  };
}
