// Coordination in Postgres (the coord_keys table): what replicas share while Redis is unreachable.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { type Coord, type LockHolder, nowSeconds, REPLAY_SINCE, type ReplayVerdict } from './coord.js';

// Takes the key when it is absent or expired; the database's clock is the one every replica shares.
const SET_NX = `insert into coord_keys (key, value, expires_at) values ($1, $2, now() + $3 * interval '1 millisecond')
  on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at
  where coord_keys.expires_at <= now()
  returning 1 as taken`;
// The replay guard's marker, taken when missing; the insert's own row is not visible to the select beside it.
const SINCE = `with taken as (
    insert into coord_keys (key, value, expires_at) values ($1, $2, 'infinity') on conflict (key) do nothing
    returning value)
  select coalesce((select value from taken), (select value from coord_keys where key = $1)) as since`;
const RESTART_GUARD = `insert into coord_keys (key, value, expires_at) values ($1, $2, 'infinity')
  on conflict (key) do update set value = greatest(coord_keys.value::bigint, excluded.value::bigint)::text`;
const SWEEP_EVERY_MS = 60_000;

export function postgresCoord(db: Db): Coord {
  let sweptAt = 0;
  const sweep = () => {
    if (Date.now() - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = Date.now();
    void db.query('delete from coord_keys where expires_at <= now()').catch(() => {});
  };
  const setNx = async (key: string, value: string, ttlMs: number) => {
    sweep();
    return (await db.query(SET_NX, [key, value, Math.max(1, Math.round(ttlMs))])).length === 1;
  };
  const live = async (key: string) =>
    (await db.query<{ value: string }>('select value from coord_keys where key = $1 and expires_at > now()', [key]))[0]
      ?.value;
  return {
    kind: 'postgres',
    async tryLock(key, ttlMs, owner) {
      const value = JSON.stringify({ token: randomUUID(), owner, acquiredAt: new Date().toISOString() });
      if (!(await setNx(`lock:${key}`, value, ttlMs))) return null;
      return {
        async release() {
          await db.query('delete from coord_keys where key = $1 and value = $2', [`lock:${key}`, value]);
        },
        async extend(ms) {
          const rows = await db.query(
            `update coord_keys set expires_at = now() + $3 * interval '1 millisecond'
              where key = $1 and value = $2 and expires_at > now() returning 1`,
            [`lock:${key}`, value, Math.round(ms)],
          );
          return rows.length === 1;
        },
      };
    },
    async lockHolder(key) {
      const value = await live(`lock:${key}`);
      if (!value) return null;
      const { owner, acquiredAt } = JSON.parse(value) as LockHolder;
      return { owner, acquiredAt };
    },
    async rateLimit(key, perMinute) {
      sweep();
      const window = Math.floor(Date.now() / 60_000);
      const [row] = await db.query<{ used: string; ms: string }>(
        `insert into coord_keys (key, value, expires_at) values ($1, '1', to_timestamp($2::double precision / 1000))
           on conflict (key) do update set value = (coord_keys.value::int + 1)::text
         returning value as used, extract(epoch from expires_at - now()) * 1000 as ms`,
        [`rate:${key}:${window}`, (window + 1) * 60_000],
      );
      return Number(row?.used) <= perMinute ? 0 : Math.max(1, Math.ceil(Number(row?.ms) / 1000));
    },
    firstSeen: (key, ttlSeconds) => setNx(`seen:${key}`, '1', ttlSeconds * 1000),
    async checkReplay(signature, signedAtSeconds, ttlSeconds): Promise<ReplayVerdict> {
      const [row] = await db.query<{ since: string }>(SINCE, [REPLAY_SINCE, String(nowSeconds())]);
      if (signedAtSeconds < Number(row?.since)) return 'before-guard';
      return (await setNx(`seen:sig:${signature}`, '1', ttlSeconds * 1000)) ? 'fresh' : 'replayed';
    },
    async restartReplayGuard(sinceSeconds) {
      await db.query(RESTART_GUARD, [REPLAY_SINCE, String(sinceSeconds)]);
    },
    runCoordinator: { shouldRun: (key, ttlMs) => setNx(`cron:${key}`, '1', Math.max(ttlMs, 1000)) },
    health: async () => 'degraded',
    close: async () => {},
  };
}
