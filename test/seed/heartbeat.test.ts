// A CLI seed beats like any run: one that outlasts RUN_STALE_SECONDS is still alive and ends passed, while one whose
// process was killed stops beating and is marked interrupted by the janitor's sweep.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { migrate } from '../../src/store/migrate.js';
import { postgresDb } from '../../src/store/postgres.js';
import { interruptStaleRuns } from '../../src/store/runs.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { spawnOpsbot } from '../support/process.js';
import { createTarget } from './helpers.js';

const STALE_SECONDS = 3;
// 5 000 tenants: about 490 000 rows, some six seconds of seeding (bench/seed), so the run outlives STALE_SECONDS.
const TENANTS = '5000';

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
    SEED_MAX_TENANTS: '5000',
    RUN_STALE_SECONDS: String(STALE_SECONDS),
    LOG_LEVEL: 'warn',
  });
  const args = ['seed', 'pilots', '--env', 'staging', '--count', TENANTS, '--confirm', 'I_UNDERSTAND'];

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
    const started = Date.now();
    let finished = false;
    const seeding = runCli(args, { env: env(alive), out: () => {}, err: () => {} }).finally(() => (finished = true));
    await sweepUntil(() => finished);
    expect(await seeding).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(STALE_SECONDS * 1000);
    const runs = await state.query<{ status: string; trigger: string }>(
      "select status, trigger from runs where kind = 'seed'",
    );
    expect(runs).toEqual([{ status: 'passed', trigger: 'cli' }]);
  }, 180_000);

  it('is marked interrupted once its killed process has stopped beating', async () => {
    const proc = spawnOpsbot(args, env(killed));
    const deadline = Date.now() + 60_000;
    let running: { id: string }[] = [];
    while (running.length === 0 && Date.now() < deadline) {
      running = await state.query<{ id: string }>("select id from runs where kind = 'seed' and status = 'running'");
      if (running.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(running).toHaveLength(1);
    await proc.stop('SIGKILL');
    const status = async () =>
      (await state.query<{ status: string }>('select status from runs where id = $1', [running[0]!.id]))[0]?.status;
    await sweepUntil(async () => (await status()) !== 'running');
    const [run] = await state.query<{ status: string }>('select status from runs where id = $1', [running[0]!.id]);
    expect(run?.status).toBe('interrupted');
  }, 180_000);
});
