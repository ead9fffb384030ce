// One contract for coordination, run on every backend: in-process, Redis, and Postgres (Redis's stand-in).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Coord } from '../../src/coord/coord.js';
import { withLock } from '../../src/coord/coord.js';
import { failoverCoord } from '../../src/coord/failover.js';
import { localCoord } from '../../src/coord/local.js';
import { postgresCoord } from '../../src/coord/postgres.js';
import { redisCoord } from '../../src/coord/redis.js';
import { migrate } from '../../src/store/migrate.js';
import { postgresDb } from '../../src/store/postgres.js';
import { createTestDatabase, redisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/infra.js';

/** Polls check every 10 ms until it holds; fails after 5 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const backends: [string, () => Promise<Coord>][] = [['in-process', async () => localCoord()]];
if (TEST_REDIS_URL)
  backends.push([
    'redis',
    async () => {
      const coord = redisCoord(TEST_REDIS_URL!, redisPrefix());
      await coord.connected(5_000);
      return coord;
    },
  ]);
if (TEST_DATABASE_URL)
  backends.push([
    'postgres',
    async () => {
      const database = await createTestDatabase('coord');
      const db = postgresDb(database.url, 3);
      await migrate(db);
      const coord = postgresCoord(db);
      return {
        ...coord,
        async close() {
          await db.close();
          await database.drop();
        },
      };
    },
  ]);

describe.each(backends)('coordination (%s)', (_name, open) => {
  let coord: Coord;
  beforeAll(async () => {
    coord = await open();
  });
  afterAll(() => coord.close());

  it('gives a lock to one holder and names it to the others', async () => {
    const lock = await coord.tryLock('seed:staging', 10_000, { user: 'U_ANA' });
    expect(lock).not.toBeNull();
    expect(await coord.tryLock('seed:staging', 10_000, { user: 'U_BOB' })).toBeNull();
    expect((await coord.lockHolder('seed:staging'))?.owner).toEqual({ user: 'U_ANA' });
    await lock!.release();
    expect(await coord.lockHolder('seed:staging')).toBeNull();
  });

  it('lets only the holder release or extend a lock', async () => {
    const first = await coord.tryLock('drill:x', 50, { user: 'U1' });
    await until(async () => (await coord.lockHolder('drill:x')) === null); // the short lock expires
    const second = await coord.tryLock('drill:x', 10_000, { user: 'U2' });
    expect(second).not.toBeNull();
    expect(await first!.extend(10_000)).toBe(false);
    await first!.release();
    expect((await coord.lockHolder('drill:x'))?.owner).toEqual({ user: 'U2' });
    await second!.release();
  });

  it('runs work under withLock once, telling a concurrent caller who holds it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = withLock(coord, 'job', { user: 'U1' }, () => gate.then(() => 'done'));
    await until(async () => (await coord.lockHolder('job'))?.owner.user === 'U1');
    const second = await withLock(coord, 'job', { user: 'U2' }, async () => 'should not run');
    expect(second).toMatchObject({ ok: false, holder: { owner: { user: 'U1' } } });
    release();
    expect(await first).toEqual({ ok: true, value: 'done' });
  });

  it('allows perMinute calls in a window and tells when to retry after that', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await coord.rateLimit('smoke:U1', 3));
    expect(results.slice(0, 3)).toEqual([0, 0, 0]);
    expect(results[3]).toBeGreaterThan(0);
    expect(results[3]).toBeLessThanOrEqual(60);
  });

  it('says a key is new only the first time it is seen', async () => {
    expect(await coord.firstSeen('sig:abc', 60)).toBe(true);
    expect(await coord.firstSeen('sig:abc', 60)).toBe(false);
  });

  it('answers a signature fresh once, replayed after, and refuses what was signed before its guard restarted', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await coord.checkReplay('v0=aa', now, 600)).toBe('fresh');
    expect(await coord.checkReplay('v0=aa', now, 600)).toBe('replayed');
    // A restart of the guard (what a switch between Redis and Postgres does) refuses what was signed before it, seen
    // or not, and takes what is signed from then on.
    await coord.restartReplayGuard(now + 10);
    expect(await coord.checkReplay('v0=bb', now + 9, 600)).toBe('before-guard');
    expect(await coord.checkReplay('v0=cc', now + 10, 600)).toBe('fresh');
    // The marker never moves back.
    await coord.restartReplayGuard(now);
    expect(await coord.checkReplay('v0=dd', now + 9, 600)).toBe('before-guard');
  });

  it('elects one runner per cron slot', async () => {
    const slot = `opsbot:smoke:${new Date().toISOString()}`;
    const votes = await Promise.all([
      coord.runCoordinator.shouldRun(slot, 60_000),
      coord.runCoordinator.shouldRun(slot, 60_000),
    ]);
    expect(votes.filter(Boolean)).toHaveLength(1);
  });
});

describe('a replay guard whose memory is gone', () => {
  // The guard's marker follows the replica's clock: moved here, so "later" needs no waiting.
  const start = new Date('2026-12-04T10:00:00Z');
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
  });
  afterEach(() => vi.useRealTimers());

  it('in-process: a new process refuses what was signed before it started, and takes what is signed after', async () => {
    const before = localCoord();
    expect(await before.checkReplay('v0=captured', seconds(start), 600)).toBe('fresh');
    await before.close();
    vi.setSystemTime(new Date(start.getTime() + 5_000));
    const after = localCoord();
    expect(await after.checkReplay('v0=captured', seconds(start), 600)).toBe('before-guard');
    expect(await after.checkReplay('v0=new', seconds(start) + 5, 600)).toBe('fresh');
  });

  it.skipIf(!TEST_DATABASE_URL)('postgres: coord_keys emptied, the guard starts again from now', async () => {
    const database = await createTestDatabase('replay');
    const db = postgresDb(database.url, 2);
    try {
      await migrate(db);
      const coord = postgresCoord(db);
      expect(await coord.checkReplay('v0=captured', seconds(start), 600)).toBe('fresh');
      await db.query('delete from coord_keys');
      vi.setSystemTime(new Date(start.getTime() + 5_000));
      expect(await coord.checkReplay('v0=captured', seconds(start), 600)).toBe('before-guard');
      expect(await coord.checkReplay('v0=new', seconds(start) + 5, 600)).toBe('fresh');
    } finally {
      await db.close();
      await database.drop();
    }
  });
});

describe.skipIf(!TEST_REDIS_URL)('the replay guard through a Redis outage', () => {
  const start = new Date('2026-12-04T10:00:00Z');
  const at = (seconds: number) => Math.floor(start.getTime() / 1000) + seconds;
  afterEach(() => vi.useRealTimers());

  it('refuses, once Redis is back with its data, a request accepted while the stand-in answered', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    const redis = redisCoord(TEST_REDIS_URL!, redisPrefix());
    await redis.connected(5_000);
    let reachable = true;
    // A partition, not a restart: Redis keeps what it knew, but nothing reaches it for a while.
    const partitioned = { ...redis, available: () => reachable && redis.available() };
    const coord = failoverCoord(partitioned, localCoord());
    try {
      expect(await coord.checkReplay('v0=before', at(0), 600)).toBe('fresh');
      reachable = false;
      vi.setSystemTime(new Date(start.getTime() + 10_000));
      expect(await coord.checkReplay('v0=before', at(0), 600)).toBe('before-guard');
      expect(await coord.checkReplay('v0=during', at(10), 600)).toBe('fresh');
      reachable = true;
      vi.setSystemTime(new Date(start.getTime() + 20_000));
      expect(await coord.checkReplay('v0=during', at(10), 600)).toBe('before-guard');
      expect(await coord.checkReplay('v0=after', at(20), 600)).toBe('fresh');
      expect(await coord.checkReplay('v0=after', at(20), 600)).toBe('replayed');
    } finally {
      await coord.close();
    }
  });
});

describe('withLock when the lock is lost', () => {
  it("aborts the work's signal and says so", async () => {
    const local = localCoord();
    // A coordinator whose extension finds the lock taken by someone else, as after an expiry.
    const losing: Coord = { ...local, tryLock: async () => ({ release: async () => {}, extend: async () => false }) };
    let told = 0;
    const result = await withLock(
      losing,
      'drill:staging',
      { user: 'U1' },
      (signal) =>
        new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve(String(signal.reason)))),
      300,
      () => told++,
    );
    expect(result).toEqual({ ok: true, value: 'Error: lost the lock drill:staging' });
    expect(told).toBe(1);
  });
});
