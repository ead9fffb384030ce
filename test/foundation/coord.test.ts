// One contract for coordination, run on every backend: in-process, Redis, and Postgres (Redis's stand-in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coord } from '../../src/coord/coord.js';
import { withLock } from '../../src/coord/coord.js';
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

  it('elects one runner per cron slot', async () => {
    const slot = `opsbot:smoke:${new Date().toISOString()}`;
    const votes = await Promise.all([
      coord.runCoordinator.shouldRun(slot, 60_000),
      coord.runCoordinator.shouldRun(slot, 60_000),
    ]);
    expect(votes.filter(Boolean)).toHaveLength(1);
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
