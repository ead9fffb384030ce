// A stored backup that changed or vanished: the drill FAILs saying so before anything is restored, and creates nothing.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { backupJob } from '../../jobs/backup.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import {
  backupDir,
  createSource,
  databasesLike,
  flipByteInDump,
  OPERATOR,
  type Source,
  slashDrill,
} from './helpers.js';

// Each drill restores a real database: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

describeWithPostgres('a drill of a damaged backup', () => {
  let source: Source;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let bot: Bot;
  const newestPath = async () =>
    (
      await bot.db.query<{ path: string }>(
        "select path from backups where status = 'complete' order by created_at desc",
      )
    )[0]!.path;

  beforeAll(async () => {
    [source, backups] = await Promise.all([createSource('src', { pilots: 1, extraRows: 200 }), backupDir()]);
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_DATABASE_URL: source.url,
        BACKUP_DIR: backups.dir,
        BACKUP_ENVIRONMENTS: 'staging',
        OPSBOT_OPERATORS: OPERATOR,
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([source?.drop(), backups?.remove()]);
  });

  it('fails before any restore when a byte of the stored dump was flipped, naming the file', async () => {
    await runJob(backupJob, bot.deps);
    const file = await flipByteInDump(join(backups.dir, await newestPath()));
    const { run, final } = await slashDrill(bot);
    expect(run.status).toBe('failed');
    expect(run.report.reasons).toHaveLength(1);
    expect(run.report.reasons[0]).toContain('The stored dump does not match its manifest');
    expect(run.report.reasons[0]).toContain(`${file} has sha256`);
    expect(run.report.reasons[0]).toContain('so it was not restored');
    expect(run.report.phases.map((p: { name: string; status: string }) => `${p.name}:${p.status}`)).toEqual([
      'backup:done',
      'integrity:failed',
      'restore:skipped',
      'verify:skipped',
      'smoke:skipped',
      'cleanup:skipped',
    ]);
    expect(final).toContain('🚨 Restore drill of staging: FAIL');
    expect(await bot.db.query('select name from drill_databases where run_id = $1', [run.id])).toEqual([]);
    expect(await databasesLike(`opsbot_drill_${run.id}`)).toEqual([]);
  });

  it('fails saying the backup is indexed but missing from BACKUP_DIR, which replicas must share', async () => {
    await runJob(backupJob, bot.deps);
    const path = await newestPath();
    await rm(join(backups.dir, path), { recursive: true });
    const { run } = await slashDrill(bot);
    expect(run.status).toBe('failed');
    expect(run.report.reasons[0]).toContain(`is in the index but ${path} is missing from BACKUP_DIR`);
    expect(run.report.reasons[0]).toContain('BACKUP_DIR must be storage they all share');
    expect(await databasesLike(`opsbot_drill_${run.id}`)).toEqual([]);
  });

  it('passes again once a fresh backup is taken', async () => {
    await runJob(backupJob, bot.deps);
    const { run } = await slashDrill(bot);
    expect(run.report.reasons).toEqual([]);
    expect(run.status).toBe('passed');
  });
});
