// The nightly backup and the monthly drill, as #ops-alerts sees them: one alert per failing key, opened by the first
// failure, with Acknowledge; resolved by the next pass.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backupJob } from '../../jobs/backup.js';
import { drillJob } from '../../jobs/drill.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { backupDir, createSource, flipByteInDump, type Source } from './helpers.js';

describeWithPostgres('scheduled backups and drills', () => {
  let source: Source;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let bot: Bot;
  const alertPosts = (title: string) =>
    bot.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === 'C_ALERTS' && !c.args.thread_ts && textOf(c.args.blocks).includes(title));
  const alertOf = async (key: string) =>
    await bot.db.query<{ id: string; status: string; slack_ts: string }>(
      'select id::text as id, status, slack_ts from alerts where key = $1 order by id',
      [key],
    );

  beforeAll(async () => {
    [source, backups] = await Promise.all([createSource('src', { pilots: 1, extraRows: 100 }), backupDir()]);
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging,broken',
        STAGING_DATABASE_URL: source.url,
        BROKEN_DATABASE_URL: 'postgres://app:pw@127.0.0.1:1/app',
        BACKUP_ENVIRONMENTS: 'staging,broken',
        BACKUP_DIR: backups.dir,
        SERVICE_NAME: 'AI Bookkeeper',
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([source?.drop(), backups?.remove()]);
  });

  it('opens backup:<env> on the first failing nightly backup, and none for the environment that passed', async () => {
    await runJob(backupJob, bot.deps);
    const [post] = alertPosts('AI Bookkeeper broken backup failed');
    expect(textOf(post!.args.blocks)).toContain(
      'Cannot connect to the source of broken postgres://app:****@127.0.0.1:1/app',
    );
    expect(await alertOf('backup:broken')).toMatchObject([{ status: 'open' }]);
    expect(await alertOf('backup:staging')).toEqual([]);
    expect(await bot.db.query("select env, status from runs where kind = 'backup' order by env")).toEqual([
      { env: 'broken', status: 'failed' },
      { env: 'staging', status: 'passed' },
    ]);
  }, 120_000);

  it('opens one drill alert with Acknowledge when the monthly drill fails, and updates it on the next failure', async () => {
    const [{ path }] = (await bot.db.query<{ path: string }>(
      "select path from backups where env = 'staging' and status = 'complete'",
    )) as [{ path: string }];
    await flipByteInDump(join(backups.dir, path!));
    await runJob(drillJob, bot.deps);
    await runJob(drillJob, bot.deps);
    const posts = alertPosts('AI Bookkeeper staging restore drill failed');
    expect(posts).toHaveLength(1);
    const text = textOf(posts[0]!.args.blocks);
    expect(text).toContain('The stored dump does not match its manifest');
    const [alert] = await alertOf('drill:staging');
    expect(alert).toMatchObject({ status: 'open' });
    const button = posts[0]!.args.blocks
      .flatMap((b: { elements?: unknown[] }) => b.elements ?? [])
      .find((e: { action_id?: string }) => e.action_id === 'alert.acknowledge');
    expect(button).toMatchObject({ text: { text: 'Acknowledge' }, value: alert!.id });
    expect(await bot.db.query("select status from runs where kind = 'drill' and env = 'staging'")).toEqual([
      { status: 'failed' },
      { status: 'failed' },
    ]);
  }, 120_000);

  it('resolves the drill alert when the next drill, of a fresh backup, passes', async () => {
    await runJob(backupJob, bot.deps);
    await runJob(drillJob, bot.deps);
    expect(await alertOf('drill:staging')).toMatchObject([{ status: 'resolved' }]);
    const [alert] = await alertOf('drill:staging');
    const updates = bot.slack.callsOf('chat.update').filter((c) => c.args.ts === alert!.slack_ts);
    expect(textOf(updates.at(-1)!.args.blocks)).toContain('✅ Resolved: AI Bookkeeper staging restore drill failed');
    expect(alertPosts('AI Bookkeeper staging restore drill failed')).toHaveLength(1);
    expect(await alertOf('drill:broken')).toMatchObject([{ status: 'open' }]);
  }, 120_000);
});
