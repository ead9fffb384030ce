// In-process coordination: the same interface as Redis, valid for a single replica only.
import { randomUUID } from 'node:crypto';
import type { Coord, LockHolder } from './coord.js';

interface Entry {
  value: string;
  expiresAt: number;
}

export function localCoord(now: () => number = Date.now): Coord {
  const entries = new Map<string, Entry>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) entries.delete(key);
    return entries.get(key);
  };
  const setNx = (key: string, value: string, ttlMs: number) => {
    if (live(key)) return false;
    entries.set(key, { value, expiresAt: now() + ttlMs });
    return true;
  };
  return {
    kind: 'local',
    async tryLock(key, ttlMs, owner) {
      const token = randomUUID();
      const holder: LockHolder & { token: string } = { token, owner, acquiredAt: new Date(now()).toISOString() };
      const value = JSON.stringify(holder);
      if (!setNx(`lock:${key}`, value, ttlMs)) return null;
      const mine = () => live(`lock:${key}`)?.value === value;
      return {
        async release() {
          if (mine()) entries.delete(`lock:${key}`);
        },
        async extend(ms) {
          if (!mine()) return false;
          entries.set(`lock:${key}`, { value, expiresAt: now() + ms });
          return true;
        },
      };
    },
    async lockHolder(key) {
      const entry = live(`lock:${key}`);
      if (!entry) return null;
      const { owner, acquiredAt } = JSON.parse(entry.value) as LockHolder;
      return { owner, acquiredAt };
    },
    async rateLimit(key, perMinute) {
      const window = Math.floor(now() / 60_000);
      const slot = `rate:${key}:${window}`;
      const used = Number(live(slot)?.value ?? 0) + 1;
      entries.set(slot, { value: String(used), expiresAt: (window + 1) * 60_000 });
      return used <= perMinute ? 0 : Math.ceil(((window + 1) * 60_000 - now()) / 1000);
    },
    async firstSeen(key, ttlSeconds) {
      return setNx(`seen:${key}`, '1', ttlSeconds * 1000);
    },
    runCoordinator: { shouldRun: (key, ttlMs) => setNx(`cron:${key}`, '1', ttlMs) },
    health: async () => 'local',
    close: async () => entries.clear(),
  };
}
