// A drill whose opsbot process is killed during the restore: after a restart, the janitor marks the run interrupted
// and drops the drill database it left; nothing else is dropped.
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/infra.js';
import { runOpsbot, spawnOpsbot } from '../support/process.js';
import { backupDir, createSource, databasesLike, eventually, type Source } from './helpers.js';

// Each drill restores a real database: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

async function restoring(database: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      "select 1 from pg_stat_activity where datname = $1 and application_name = 'pg_restore'",
      [database],
    );
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

describeWithPostgres('a drill interrupted by a crash', () => {
  let source: Source;
  let state: TestDatabase;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let bot: Bot | undefined;
  let bystander: TestDatabase;

  beforeAll(async () => {
    // Big enough that the restore lasts a few seconds, so the kill lands in it.
    [source, state, backups, bystander] = await Promise.all([
      createSource('src', { pilots: 1, extraRows: 400_000 }),
      createTestDatabase('state'),
      backupDir(),
      // Named exactly like a drill database (opsbot_drill_r_<10 chars>) but recorded by no run: it must survive.
      createTestDatabase('drill_r'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([source?.drop(), state?.drop(), backups?.remove(), bystander?.drop()]);
  });

  it('drops the drill database and marks the run interrupted once opsbot is back', async () => {
    const env = {
      ENVIRONMENTS: 'staging',
      STAGING_DATABASE_URL: source.url,
      DATABASE_URL: state.url,
      BACKUP_DIR: backups.dir,
      RUN_STALE_SECONDS: '3',
    };
    expect((await runOpsbot(['backup', 'staging'], env)).code).toBe(0);
    const drill = spawnOpsbot(['drill', 'restore', 'staging'], env);
    const runId = await eventually(
      async () => {
        const [run] = await state.query<{ id: string }>(
          "select id from runs where kind = 'drill' and status = 'running'",
        );
        return run?.id;
      },
      60_000,
      'the drill run',
    );
    const database = `opsbot_drill_${runId}`;
    await eventually(() => restoring(database), 60_000, `pg_restore writing into ${database}`);
    drill.child.kill('SIGKILL');
    await drill.exited;
    expect(await databasesLike(database)).toEqual([database]);

    bot = await startBot({ databaseUrl: state.url, env });
    const rows = await eventually(
      async () => {
        await runJob(janitorJob, bot!.deps);
        const rows = await state.query<{ status: string; error: string }>(
          'select status, error from runs where id = $1',
          [runId],
        );
        return rows[0]?.status === 'interrupted' && (await databasesLike(database)).length === 0 ? rows : undefined;
      },
      60_000,
      'the janitor to interrupt the run and drop its database',
    );
    expect(rows?.[0]?.error).toContain('interrupted');
    const [record] = await state.query<{ dropped: boolean }>(
      'select dropped_at is not null as dropped from drill_databases where run_id = $1',
      [runId],
    );
    expect(record).toEqual({ dropped: true });
    expect(await databasesLike(bystander.name)).toEqual([bystander.name]);
  });
});
