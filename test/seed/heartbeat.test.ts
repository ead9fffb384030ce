// A CLI seed beats like any run: one that outlasts RUN_STALE_SECONDS is still alive and ends passed, while one whose
// process was killed stops beating and is marked interrupted by the janitor's sweep. Each seed is kept running by
// holding the lock it takes on its target (as a second seed of that database would), not by seeding for seconds.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { SEED_ADVISORY_LOCK } from '../../src/seed/pilots.js';
import { migrate } from '../../src/store/migrate.js';
import { postgresDb } from '../../src/store/postgres.js';
import { interruptStaleRuns } from '../../src/store/runs.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { spawnOpsbot } from '../support/process.js';
import { createTarget } from './helpers.js';

const STALE_SECONDS = 3;

describeWithPostgres('heartbeats of a CLI seed', () => {
  let alive: Awaited<ReturnType<typeof createTarget>>;
  let killed: Awaited<ReturnType<typeof createTarget>>;
  let state: TestDatabase;
  beforeAll(async () => {
    [alive, killed, state] = await Promise.all([
      createTarget('beat'),
      createTarget('kill'),
      createTestDatabase('beat'),
    ]);
    // The sweep starts before the CLI has migrated the bot's database.
    const db = postgresDb(state.url, 1);
    await migrate(db).finally(() => db.close());
  });
  afterAll(async () => {
    await Promise.all([alive?.drop(), killed?.drop(), state?.drop()]);
  });

  const env = (target: { urlWithPassword: string }) => ({
    ENVIRONMENTS: 'staging',
    STAGING_DATABASE_URL: target.urlWithPassword,
    DATABASE_URL: state.url,
    RUN_STALE_SECONDS: String(STALE_SECONDS),
    LOG_LEVEL: 'warn',
  });
  const args = ['seed', 'pilots', '--env', 'staging', '--count', '3', '--confirm', 'I_UNDERSTAND'];

  /** Holds the seed's lock on target from a connection of the test's own until release() is called. */
  async function holdSeedLock(target: { url: string }) {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query('select pg_advisory_lock($1)', [SEED_ADVISORY_LOCK]);
    return { release: () => client.end() };
  }

  /** The seed's run once it is running (and so beating), waiting for the lock. */
  async function runningSeed(): Promise<{ id: string }[]> {
    const deadline = Date.now() + 60_000;
    let running: { id: string }[] = [];
    while (running.length === 0 && Date.now() < deadline) {
      running = await state.query<{ id: string }>("select id from runs where kind = 'seed' and status = 'running'");
      if (running.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return running;
  }

  /** The janitor's sweep, every half second, as a replica's janitor would, until done says so (or 60 s pass). */
  async function sweepUntil(done: () => boolean | Promise<boolean>) {
    const db = postgresDb(state.url, 1);
    const deadline = Date.now() + 150_000;
    try {
      while (!(await done()) && Date.now() < deadline) {
        await interruptStaleRuns(db, STALE_SECONDS);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await db.close();
    }
  }

  it('ends passed, not interrupted, when it runs longer than RUN_STALE_SECONDS', async () => {
    const lock = await holdSeedLock(alive);
    let finished = false;
    const seeding = runCli(args, { env: env(alive), out: () => {}, err: () => {} }).finally(() => (finished = true));
    expect(await runningSeed()).toHaveLength(1);
    const started = Date.now();
    // Two stale periods of sweeps while the seed waits, then the lock goes and the seed finishes.
    await sweepUntil(() => Date.now() - started > 2 * STALE_SECONDS * 1000);
    expect(finished).toBe(false);
    expect(await state.query("select status from runs where kind = 'seed'")).toEqual([{ status: 'running' }]);
    await lock.release();
    await sweepUntil(() => finished);
    expect(await seeding).toBe(0);
    const runs = await state.query<{ status: string; trigger: string }>(
      "select status, trigger from runs where kind = 'seed'",
    );
    expect(runs).toEqual([{ status: 'passed', trigger: 'cli' }]);
  }, 180_000);

  it('is marked interrupted once its killed process has stopped beating', async () => {
    const lock = await holdSeedLock(killed);
    const proc = spawnOpsbot(args, env(killed));
    const running = await runningSeed();
    expect(running).toHaveLength(1);
    await proc.stop('SIGKILL');
    await lock.release();
    const status = async () =>
      (await state.query<{ status: string }>('select status from runs where id = $1', [running[0]!.id]))[0]?.status;
    await sweepUntil(async () => (await status()) !== 'running');
    const [run] = await state.query<{ status: string }>('select status from runs where id = $1', [running[0]!.id]);
    expect(run?.status).toBe('interrupted');
  }, 180_000);
});
