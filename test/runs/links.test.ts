// Run ids in messages: with report pages configured they link to /runs/<id>, and every message of a run (smoke, seed,
// drill) says where its evidence is; without, /runs/<id> is 404 and a run id links to the message holding its report.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backupDir, createSource, type Source, slashDrill } from '../drill/helpers.js';
import { createTarget, submitSeed } from '../seed/helpers.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, startFakeApp } from '../support/fake-app.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { PUBLIC_URL, signInEnv } from './helpers.js';

vi.setConfig({ testTimeout: 120_000 });
const OPERATOR = 'U_LINKS_OP';
const runLink = (id: string) => `<${PUBLIC_URL}/runs/${id}|\`${id}\`>`;

async function smoke(bot: Bot, channel: string): Promise<{ id: string; text: string }> {
  const seen = bot.slack.callsOf('chat.postMessage').length;
  expect((await bot.slash('/smoke', 'staging', { user: OPERATOR, channel })).status).toBe(200);
  const posts = await bot.slack.waitFor('chat.postMessage', seen + 1, 20_000);
  const post = posts.filter((p) => p.args.channel === channel).at(-1)!;
  const [run] = await bot.db.query<{ id: string }>(
    "select id from runs where kind = 'smoke' order by started_at desc limit 1",
  );
  return { id: run!.id, text: textOf(post.args.blocks) };
}

describeWithPostgres('run links with report pages configured', () => {
  let bot: Bot;
  let app: FakeApp;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let source: Source;
  let backups: Awaited<ReturnType<typeof backupDir>>;

  beforeAll(async () => {
    [app, target, source, backups] = await Promise.all([
      startFakeApp(),
      createTarget('links'),
      createSource('linksrc'),
      backupDir(),
    ]);
    bot = await startBot({
      env: {
        ...signInEnv,
        ENVIRONMENTS: 'staging,qa',
        STAGING_BASE_URL: app.url,
        STAGING_DATABASE_URL: target.urlWithPassword,
        QA_DATABASE_URL: source.urlWithPassword,
        SEED_ENVIRONMENTS: 'staging',
        BACKUP_DIR: backups.dir,
        OPSBOT_OPERATORS: OPERATOR,
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([app?.stop(), target?.drop(), source?.drop(), backups?.remove()]);
  });

  it('links the run id of a /smoke result to its page and says the evidence is the checks above', async () => {
    const { id, text } = await smoke(bot, 'C_OPS');
    expect(text).toContain(`Evidence: run ${runLink(id)} · the checks above`);
  });

  it('links the run id of a seed result to its page and points at the seed log in the thread', async () => {
    const updates = bot.slack.callsOf('chat.update').length;
    await submitSeed(bot, {}, OPERATOR);
    await bot.slack.waitFor('files.completeUploadExternal', 1, 60_000);
    const [run] = await bot.db.query<{ id: string; slack_ts: string }>(
      "select id, slack_ts from runs where kind = 'seed' order by started_at desc limit 1",
    );
    const final = bot.slack
      .callsOf('chat.update')
      .slice(updates)
      .filter((c) => c.args.ts === run!.slack_ts)
      .at(-1)!;
    const text = textOf(final.args.blocks);
    expect(text).toContain('Seeded 3 pilot tenants into staging');
    expect(text).toContain(`Evidence: run ${runLink(run!.id)} · seed log in this thread`);
  });

  it('links the run id of a drill, while it runs and in its verdict, and in the drill history', async () => {
    const { run, final } = await slashDrill(bot, 'restore qa', OPERATOR);
    expect(final).toContain('Restore drill of qa');
    expect(final).toContain(`Evidence: run ${runLink(run.id)} · the full report and its files in this thread`);
    const progress = bot.slack.callsOf('chat.postMessage').find((c) => c.result?.ts === run.slack_ts);
    expect(textOf(progress?.args.blocks)).toContain(`run ${runLink(run.id)}`);

    const replies = bot.slack.callsOf('response_url').length;
    await bot.slash('/drill', 'restore history', { user: OPERATOR, channel: 'C_OPS' });
    const calls = await bot.slack.waitFor('response_url', replies + 1, 15_000);
    expect(calls.at(-1)!.args.text).toContain(runLink(run.id));
  });
});

describe('run links without report pages', () => {
  let bot: Bot;
  let app: FakeApp;
  beforeAll(async () => {
    app = await startFakeApp();
    bot = await startBot({ env: { ENVIRONMENTS: 'staging', STAGING_BASE_URL: app.url, OPSBOT_OPERATORS: OPERATOR } });
  });
  afterAll(async () => {
    await bot?.stop();
    await app?.stop();
  });

  it('answers 404 at /runs/<id> and names the run in the smoke result without a page link', async () => {
    const { id, text } = await smoke(bot, 'C_OPS');
    expect(text).toContain(`Evidence: run \`${id}\` · the checks above`);
    expect(text).not.toContain('/runs/');
    expect((await fetch(`${bot.url}/runs/${id}`, { redirect: 'manual' })).status).toBe(404);
  });

  it('links a drill in the history to the permalink of the message that holds its report', async () => {
    await bot.db.query(
      `insert into runs (id, kind, env, trigger, actor, status, finished_at, slack_channel, slack_ts)
       values ('r_drilllink1', 'drill', 'staging', 'slash', $1, 'error', now(), 'C_OPS', '1700000000.000200')`,
      [OPERATOR],
    );
    const replies = bot.slack.callsOf('response_url').length;
    await bot.slash('/drill', 'restore history', { user: OPERATOR, channel: 'C_OPS' });
    const calls = await bot.slack.waitFor('response_url', replies + 1, 15_000);
    expect(calls.at(-1)!.args.text).toContain('<https://slack.test/archives/C_OPS/p1700000000000200|`r_drilllink1`>');
  });
});
