// Retention, as BACKUP_DIR shows it: backups older than BACKUP_RETENTION_DAYS go (files and index), what crashed
// writers left goes, the newest backup always stays.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { backupJob } from '../../jobs/backup.js';
import { storageFor } from '../../src/backup/backup.js';
import { pruneBackups } from '../../src/backup/retention.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { backupDir, createSource, type Source } from './helpers.js';

// Each drill restores a real database: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

describeWithPostgres('backup retention', () => {
  let source: Source;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let bot: Bot;
  let now = new Date('2026-01-01T09:00:00Z');
  const onDisk = async () => (await readdir(join(backups.dir, 'staging'))).sort();
  const indexed = () =>
    bot.db.query<{ path: string; status: string }>(
      "select path, status from backups where env = 'staging' order by created_at",
    );

  beforeAll(async () => {
    [source, backups] = await Promise.all([createSource('src', { pilots: 1, extraRows: 50 }), backupDir()]);
    bot = await startBot({
      now: () => now,
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_DATABASE_URL: source.url,
        BACKUP_DIR: backups.dir,
        BACKUP_ENVIRONMENTS: 'staging',
        BACKUP_RETENTION_DAYS: '30',
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([source?.drop(), backups?.remove()]);
  });

  it('stores each backup as <env>/<UTC timestamp>/ with its manifest beside the dump', async () => {
    await runJob(backupJob, bot.deps);
    expect(await onDisk()).toEqual(['20260101T090000Z']);
    expect((await readdir(join(backups.dir, 'staging', '20260101T090000Z'))).sort()).toEqual(['dump', 'manifest.json']);
  });

  it('removes backups past BACKUP_RETENTION_DAYS and leftovers of crashed backups, keeping the rest', async () => {
    now = new Date('2026-01-20T09:00:00Z');
    await runJob(backupJob, bot.deps);
    const crashed = join(backups.dir, 'staging', '20260125T090000Z.partial-999-abc');
    await mkdir(join(crashed, 'dump'), { recursive: true });
    await writeFile(join(crashed, 'dump', 'toc.dat'), 'half a dump');
    now = new Date('2026-02-05T09:00:00Z');
    await runJob(backupJob, bot.deps);
    expect(await onDisk()).toEqual(['20260120T090000Z', '20260205T090000Z']);
    expect(await indexed()).toEqual([
      { path: 'staging/20260101T090000Z', status: 'pruned' },
      { path: 'staging/20260120T090000Z', status: 'complete' },
      { path: 'staging/20260205T090000Z', status: 'complete' },
    ]);
    const [last] = await bot.db.query<{ report: { pruned: string[] } }>(
      "select report from runs where kind = 'backup' order by started_at desc limit 1",
    );
    expect(last!.report.pruned).toEqual(['staging/20260101T090000Z', 'staging/20260125T090000Z.partial-999-abc']);
  });

  it('never prunes the newest backup, however old it is', async () => {
    now = new Date('2027-01-01T09:00:00Z');
    await pruneBackups('staging', bot.deps, storageFor(bot.deps.config));
    expect(await onDisk()).toEqual(['20260205T090000Z']);
    expect((await indexed()).map((b) => b.status)).toEqual(['pruned', 'pruned', 'complete']);
  });
});
