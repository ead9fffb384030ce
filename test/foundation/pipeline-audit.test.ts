// Every entry point goes through the operation pipeline: each slash command, button, modal submission, job and CLI
// command leaves exactly one audit event for its outcome, naming its run, and nothing else (command.invoke aside).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { jobs } from '../../jobs/index.js';
import { runJob } from '../../src/scheduler.js';
import { createAppDatabase, githubMembers } from '../access/fixtures.js';
import { backupDir, createSource, type Source } from '../drill/helpers.js';
import { submitSeed } from '../seed/helpers.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { type FakeGithub, OWNER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { describeWithPostgres, type TestDatabase } from '../support/infra.js';

interface Event {
  seq: number;
  action: string;
  actor: string | null;
  outcome: string;
  params: { runId?: string };
}

describeWithPostgres('one audit event per operation, from every entry point', () => {
  let bot: Bot;
  let source: Source;
  let app: FakeApp;
  let github: FakeGithub;
  let accessDb: TestDatabase;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let env: Record<string, string>;
  let seen = 0;

  /** The audit events since the last call, command.invoke aside, with each one's run checked to exist. */
  async function newEvents(): Promise<Event[]> {
    // One query, and `seen` moves to the last row it returned: an event committed after it is read by the next call.
    // (Reading max(seq) in a second query skipped any event that committed between the two.)
    const all = await bot.db.query<Event>(
      'select seq::int as seq, action, actor, outcome, params from audit_events where seq > $1 order by seq',
      [seen],
    );
    seen = all.at(-1)?.seq ?? seen;
    const rows = all.filter((e) => e.action !== 'command.invoke');
    for (const event of rows.filter((e) => e.params.runId)) {
      const [run] = await bot.db.query('select id from runs where id = $1', [event.params.runId]);
      expect(run, `${event.action} names run ${event.params.runId}`).toBeDefined();
    }
    return rows;
  }
  const until = async (count: number, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    const events: Event[] = [];
    while (events.length < count && Date.now() < deadline) {
      events.push(...(await newEvents()));
      if (events.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return events;
  };
  const summary = (events: Event[]) => events.map((e) => `${e.action}:${e.outcome}:${e.params.runId ? 'run' : '-'}`);

  beforeAll(async () => {
    [source, app, github, accessDb, backups] = await Promise.all([
      createSource('pipe'),
      startFakeApp(healthyRoutes()),
      startFakeGithub({ members: githubMembers() }),
      createAppDatabase({ clean: true }),
      backupDir(),
    ]);
    env = {
      ENVIRONMENTS: 'staging',
      STAGING_BASE_URL: app.url,
      STAGING_DATABASE_URL: source.urlWithPassword,
      BACKUP_ENVIRONMENTS: 'staging',
      BACKUP_DIR: backups.dir,
      ACCESS_DATABASE_URL: accessDb.url,
      GITHUB_TOKEN: OWNER_TOKEN,
      GITHUB_ORG: 'acme',
      GITHUB_API_URL: github.url,
      SLACK_ALERT_CHANNEL: 'C_ALERTS',
      SLACK_REVIEW_CHANNEL: 'C_REVIEW',
      ALERT_FAILURE_THRESHOLD: '1',
      OPSBOT_OPERATORS: 'U_OP',
      OPSBOT_REVIEWERS: 'U_REV,U_REV2',
    };
    bot = await startBot({ env });
    await newEvents();
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([source?.drop(), app?.stop(), github?.stop(), accessDb?.drop(), backups?.remove()]);
  });

  it('audits each slash command, modal submission and button once, with its run', async () => {
    await bot.slash('/smoke', 'staging', { user: 'U_ANY', channel: 'C_OPS' });
    expect(summary(await until(1))).toEqual(['smoke.run:passed:run']);

    await submitSeed(bot, {}, 'U_OP');
    expect(summary(await until(1))).toEqual(['seed.run:passed:run']);

    await bot.slash('/drill', 'restore staging', { user: 'U_NOBODY', channel: 'C_OPS' });
    expect(summary(await until(1))).toEqual(['auth.deny:denied:-']);

    await bot.slash('/drill', 'restore staging', { user: 'U_OP', channel: 'C_OPS' });
    expect(summary(await until(1, 120_000))).toEqual(['drill.restore:PASS:run']);

    await bot.slash('/access-review', 'run', { user: 'U_REV', channel: 'C_OPS' });
    const [review] = await until(1);
    expect(summary([review!])).toEqual(['access-review.run:posted:run']);

    const [row] = await bot.db.query<{ id: string; slack_ts: string }>('select id, slack_ts from access_reviews');
    await bot.action({ actionId: 'access-review.flag', value: row!.id, user: 'U_REV2', channel: 'C_REVIEW' });
    await bot.slack.waitFor('views.open', 1);
    await bot.submitView({
      callbackId: 'access-review.flag-modal',
      user: 'U_REV2',
      privateMetadata: JSON.stringify({ reviewId: row!.id, channel: 'C_REVIEW' }),
      values: { actionItems: 'Remove the contractor by Friday.' },
    });
    expect(summary(await until(1))).toEqual(['access-review.flag:flagged:run']);

    await bot.slash('/access-review', 'evidence 2026-Q3', { user: 'U_REV', channel: 'C_OPS' });
    expect(summary(await until(1))).toEqual(['access-review.evidence:published:run']);

    app.set('/readyz', { status: 503, json: { status: 'not_ready' } });
    await runJob(jobs.find((job) => job.name === 'smoke')!, bot.deps);
    expect(summary(await until(2))).toEqual(['smoke.run:failed:run', 'job.run:passed:run']);
    const [alert] = await bot.db.query<{ id: string }>('select id::text as id from alerts');
    await bot.action({ actionId: 'alert.acknowledge', value: alert!.id, user: 'U_ANY', channel: 'C_ALERTS' });
    expect(summary(await until(1))).toEqual(['alert.acknowledge:acknowledged:run']);
    await bot.action({ actionId: 'alert.acknowledge', value: alert!.id, user: 'U_ANY', channel: 'C_ALERTS' });
    expect(summary(await until(1))).toEqual(['alert.acknowledge:unchanged:run']);
  }, 180_000);

  it('audits every scheduled job once, with its run, besides what the job itself did', async () => {
    for (const job of jobs) {
      await runJob(job, bot.deps);
      const events = await newEvents();
      const own = events.filter((e) => e.action === 'job.run');
      expect(summary(own), job.name).toEqual(['job.run:passed:run']);
      expect(events.at(-1)!.action, job.name).toBe('job.run');
    }
  }, 180_000);

  it('audits every CLI command that changes something, with its run and its user', async () => {
    app.set('/readyz', healthyRoutes()['/readyz']!);
    const cli = async (args: string[]) => {
      const lines: string[] = [];
      const code = await runCli(args, {
        // No review channel: the CLI stores its review without posting it (no Slack to reach from here).
        env: { ...env, SLACK_REVIEW_CHANNEL: undefined, DATABASE_URL: bot.databaseUrl!, LOG_LEVEL: 'warn' },
        out: (text) => lines.push(text),
        err: (text) => lines.push(text),
      });
      return { code, text: lines.join('\n') };
    };
    const out = await mkdtemp(join(tmpdir(), 'opsbot-pipeline-'));
    for (const [args, expected] of [
      [
        ['seed', 'pilots', '--env', 'staging', '--prefix', 'cli', '--count', '1', '--confirm', 'I_UNDERSTAND'],
        'seed.run:passed:run',
      ],
      [['backup', 'staging'], 'backup.run:PASS:run'],
      [['drill', 'restore', 'staging', '--json'], 'drill.restore:PASS:run'],
      [['access-review', 'run', '--json', '--out', out], 'access-review.run:stored:run'],
    ] as const) {
      const { code, text } = await cli([...args]);
      expect(code, text).toBe(0);
      const events = await newEvents();
      expect(summary(events), args.join(' ')).toEqual([expected]);
      expect(events[0]!.actor).toMatch(/^cli:/);
    }
  }, 180_000);
});
